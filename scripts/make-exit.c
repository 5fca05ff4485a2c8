/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A GNU make plugin that adds $(ctr-exit N): make exits at once with status N.
 *
 * GNU make itself only ever exits with 0, 1 or 2, but 'make vm-run' promises the exit status of the
 * script it ran in the VM. The Makefile loads this (built on first use into the cache) for vm-run. */

#include <stdio.h>
#include <stdlib.h>

#include <gnumake.h>

int plugin_is_GPL_compatible;

static char *func_exit(const char *name, unsigned int argc, char **argv) {
        (void) name;
        (void) argc;

        fflush(stdout);
        fflush(stderr);
        exit(atoi(argv[0]) & 0xff);
}

int make_exit_gmk_setup(const gmk_floc *floc) {
        (void) floc;

        gmk_add_function("ctr-exit", func_exit, 1, 1, GMK_FUNC_DEFAULT);
        return 1;
}
