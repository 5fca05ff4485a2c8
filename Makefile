# systemd-ctr: our patch series on Debian 12's systemd. Entry points (see README.md):
#   make prepare        fetch the base, create the git work tree ./tree (base + one commit per patch)
#   make export         write the work tree's commits back to patches/ (DEP-3 headers kept)
#   make series-status  check patches/ (headers, applies to the base, matches the work tree)
#   make build          apply the series to a clean copy of the base and build it (meson, ccache)
#   make vm-run SCRIPT=path [ARGS="..."] [TIMEOUT=s]   run a script as root in the test VM
#   make check          build, then upstream's unit tests (host + VM) and our integration tests
#   make demo           build, boot the VM, boot a stock Debian 12 container in it with systemd-run
#   make bench          four side-by-side comparisons in one VM boot, printed as ratios
#   make debs           Debian 12 .deb packages with our series (into ./debs)
#   make check-debs     install those packages on a stock Debian 12 VM image and check them
# Downloads and builds live in $(CTR_CACHE) (default /var/cache/systemd-ctr).

SHELL := /bin/bash
S := scripts

.PHONY: setup prepare export series-status build image vm-run vm-run-script check check-host check-vm demo bench debs check-debs clean-cache

setup:
	@$(S)/setup-host.sh

prepare: setup
	@$(S)/prepare.sh

export:
	@$(S)/export.sh

series-status:
	@$(S)/series-status.sh

build: setup
	@$(S)/build.sh

image: build
	@$(S)/vm-image.sh

# 'make vm-run' exits with the script's own exit status. GNU make can only exit 0, 1 or 2 by itself,
# so the status is handed to $(ctr-exit), a function from a tiny make plugin (scripts/make-exit.c)
# that make builds into the cache on first use. Without it, make vm-run still fails on failure.
CTR_CACHE ?= /var/cache/systemd-ctr
ifneq ($(filter vm-run,$(MAKECMDGOALS)),)
-load $(CTR_CACHE)/make-exit.so(make_exit_gmk_setup)
$(CTR_CACHE)/make-exit.so: scripts/make-exit.c
	@mkdir -p $(@D) && $(CC) -shared -fPIC -O2 -Wall -o $@ $<
endif
VMRUN_STATUS := $(CTR_CACHE)/vm-run-status.$(shell echo $$PPID)

vm-run: vm-run-script
	@$(eval rc := $(shell cat $(VMRUN_STATUS) 2>/dev/null || echo 125; rm -f $(VMRUN_STATUS)))$(if $(filter %make-exit.so,$(.LOADED)),$(ctr-exit $(rc)),exit $(rc))

vm-run-script: image
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=path [ARGS=\"...\"]" >&2; exit 2; }
	@$(S)/vm-run.sh "$(SCRIPT)" $(ARGS); echo $$? >$(VMRUN_STATUS)

check: setup
	@$(S)/check.sh

check-host: build
	@$(S)/check.sh --host-only

check-vm: image
	@$(S)/check.sh --vm-only

demo: image
	@$(S)/demo.sh

bench: image
	@$(S)/bench.sh

debs: setup
	@$(S)/debs.sh

check-debs: setup
	@$(S)/check-debs.sh

clean-cache:
	rm -rf "$${CTR_CACHE:-/var/cache/systemd-ctr}"
