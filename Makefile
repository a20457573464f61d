# SPDX-License-Identifier: GPL-2.0-only
#
# acxxx: the one entry point.
#
#   make            build the kernel module (running kernel's headers, or
#                   KDIR=), the device model and acxxxctl
#   make demo       the main job: the driver on Debian's kernel in QEMU,
#                   over the emulated HBA (see README.md)
#   make check      every test layer; ends with "N passed, N failed"
#   make harness | tools | core-build | style | driver-build | kunit | unit
#                   | loop | driverkit | fuzz | e2e-ci | faults-ci | bench-smoke
#                   | packages   one layer each
#   make acxxxctl   the management tool (tools/acxxxctl/)
#   make e2e        the driver's end-to-end runs on 6.1, 6.12 and 7.2
#   make kunit-7.2  the KUnit suites on sid's 7.2 source (long first build)
#   make faults     the whole fault suite on the debug kernels
#   make e2e-debug  the driver's end-to-end runs on the debug kernels
#   make bench      the hot path's figures beside its peers (tests/bench)
#   make install | uninstall   the module in /lib/modules/KVER/updates
#                   (KVER= or KDIR= for another installed kernel)
#   make dkms-install | dkms-uninstall   this tree as a DKMS module
#   make deb        acxxx-dkms and acxxx-tools packages in dist/
#   make e2e-packages  the packages installed in bookworm and trixie
#                   chroots, the module DKMS built there booted in QEMU
#
# Downloads and built artefacts are cached in $(ACXXX_CACHE), outside the
# checkout.

ACXXX_CACHE ?= /var/cache/acxxx
export ACXXX_CACHE

TOP := $(CURDIR)
DRV := $(TOP)/drivers/scsi/acxxx

# The kernel to build and install for: KVER (default the running one) or
# its build directory KDIR.
ifeq ($(origin KDIR),undefined)
KVER ?= $(shell uname -r)
KDIR := $(wildcard /lib/modules/$(KVER)/build)
else
KVER ?= $(shell sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
endif

# The release: VERSION is its one place.  The driver's Makefile reads it
# (MODULE_VERSION, modinfo); the tools get it as ACXXX_VERSION in their
# make's environment; the packages are named after it.
ACXXX_VERSION := $(shell cat $(TOP)/VERSION)
export ACXXX_VERSION

CHECK_LAYERS ?= harness tools core-build style driver-build kunit unit loop driverkit fuzz e2e-ci \
		faults-ci bench-smoke packages

.PHONY: all module emu acxxxctl tools check harness demo e2e e2e-debug faults faults-ci driver-build kunit unit loop driverkit fuzz style core-build host-deps clean help \
	bench bench-smoke e2e-ci kunit-7.2 install uninstall dkms-install dkms-uninstall deb \
	packages e2e-packages

all: module emu acxxxctl

help:
	@sed -n '3,26p' Makefile

host-deps:
	@tests/lib/ensure-host

module:
ifeq ($(KDIR),)
	@echo "module: no kernel headers for $(shell uname -r); pass KDIR=<kernel build dir>"
	@echo "module: (make e2e builds the module for the test kernels itself)"
else
	$(MAKE) -C $(KDIR) M=$(DRV) CONFIG_SCSI_ACXXX=m W=1 modules
endif

# The module into /lib/modules/KVER/updates ($(INSTALL_MOD_PATH) before
# it when staging), then depmod.
install:
ifeq ($(KDIR),)
	@echo "install: no kernel headers for $(KVER) (/lib/modules/$(KVER)/build); install linux-headers-$(KVER) or pass KDIR="; exit 1
else
	$(MAKE) -C $(KDIR) M=$(DRV) CONFIG_SCSI_ACXXX=m modules
	$(MAKE) -C $(KDIR) M=$(DRV) CONFIG_SCSI_ACXXX=m INSTALL_MOD_DIR=updates \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH)) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)
endif

uninstall:
	@test -n "$(KVER)" || { echo "uninstall: which kernel? pass KVER="; exit 1; }
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/acxxx.ko \
		$(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/acxxx.ko.xz \
		$(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/acxxx.ko.zst \
		$(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/acxxx.ko.gz
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

# This tree as DKMS module acxxx/$(ACXXX_VERSION): its source in
# /usr/src/acxxx-$(ACXXX_VERSION), built and installed for KVER= if given,
# else for every kernel whose headers are installed (as the acxxx-dkms
# package does), and by DKMS for each new kernel after.  (Not "dkms
# autoinstall": that builds for the running kernel only.)
DKMS_KVERS = $(if $(filter command line,$(origin KVER)),$(KVER),\
	$(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build)))
dkms-install:
	@command -v dkms >/dev/null || { echo "dkms-install: install dkms first (apt-get install dkms)"; exit 1; }
	@test -n "$(strip $(DKMS_KVERS))" || { echo "dkms-install: no kernel headers installed (apt-get install linux-headers-$$(uname -r)), or pass KVER="; exit 1; }
	-dkms remove acxxx/$(ACXXX_VERSION) --all 2>/dev/null
	rm -rf /usr/src/acxxx-$(ACXXX_VERSION)
	scripts/dkms-tree /usr/src/acxxx-$(ACXXX_VERSION)
	dkms add acxxx/$(ACXXX_VERSION)
	set -e; for k in $(DKMS_KVERS); do dkms install acxxx/$(ACXXX_VERSION) -k $$k; done
	dkms status acxxx

dkms-uninstall:
	-dkms remove acxxx/$(ACXXX_VERSION) --all
	rm -rf /usr/src/acxxx-$(ACXXX_VERSION)

# acxxx-dkms_$(ACXXX_VERSION)_all.deb and acxxx-tools_$(ACXXX_VERSION)_ARCH.deb
# in $(DEB_OUT) (scripts/build-deb).
DEB_OUT ?= $(TOP)/dist
deb:
	@scripts/build-deb $(DEB_OUT)

# make check's layer: make deb, lintian and the packages' contents.
packages: host-deps
	@tests/packages/run

# What an admin does: the packages installed in Debian chroots with the
# kernel's headers (bookworm + 6.1, trixie + 6.12), the module DKMS built
# there booted in QEMU and loaded by modalias.
e2e-packages: host-deps
	@tests/packages/e2e

emu:
	@if [ -f emu/Makefile ]; then $(MAKE) -C emu; fi

# The management tool; its version from VERSION, else git describe.
acxxxctl:
	@$(MAKE) --no-print-directory -C tools/acxxxctl

# acxxxctl's tests (fake sysfs, exit codes, JSON) and its documentation's
# checks: seconds, no VM.
tools:
	@tools/acxxxctl/tests/run

check: host-deps
	@tests/check $(CHECK_LAYERS)

# The harness's own tests (usage of every runner, the package checks):
# seconds, no VM, nothing installed.
harness:
	@tests/harness/run

core-build:
	@tests/core-build

driver-build: host-deps
	@tests/driver-build

kunit: host-deps
	@tests/kunit/run

kunit-7.2: host-deps
	@tests/kunit/run --kernel 7.2

unit: host-deps
	@$(MAKE) --no-print-directory -C tests/unit check

loop: host-deps
	@$(MAKE) --no-print-directory -C tests/loop check

# The DriverKit sample against the model of DriverKit and the device model.
driverkit: host-deps
	@driverkit/run-tests

style: host-deps
	@tests/style

fuzz: host-deps
	@$(MAKE) --no-print-directory -C tests/fuzz check

demo: host-deps
	@tests/e2e/acxxx/demo

# Every end-to-end run: the driver on 6.1, 6.12 and 7.2, and the longer
# runs (the full case under the realistic timing on each dialect and on
# the 2208 family on both kernels).
e2e: host-deps
	@tests/e2e/run --all

# make check's share of it (6.12: one run of the driver; no long runs).
e2e-ci: host-deps
	@tests/e2e/run --ci

# The driver's end-to-end runs on the debug (KASAN, lockdep, ...) builds
# of their kernels.
e2e-debug: host-deps
	@tests/e2e/acxxx/run --debug-kernel

# Every fault on the debug (KASAN, lockdep, ...) builds of both kernels,
# both register dialects; the 2208 family's event, reset, hang and pause
# scenarios; the event, reset and hot-plug ones under the realistic timing.
faults: host-deps
	@tests/e2e/faults/ci --all

# The part of it that make check runs: every fault but hang-dead on 6.1
# with a 3108, an abort and a hang on the 341 family, a hang on the 2208
# family, LUN-change events under the realistic timing.
faults-ci: host-deps
	@tests/e2e/faults/ci

# acxxx's hot path beside scsi_debug, null_blk, virtio-scsi and megaraid_sas
# in one guest boot, and the core's instructions per I/O: a table, JSON and
# a chart (tests/bench/README.md).  Figures, not a pass/fail test.
# BENCH_ARGS="--runtime 5 --out DIR" and so on.
bench: host-deps
	@tests/bench/run $(BENCH_ARGS)

# make check's short run of it: it runs, every row is there, the JSON parses.
bench-smoke: host-deps
	@tests/bench/run --smoke --out /tmp/acxxx-bench-smoke

clean:
	@if [ -f emu/Makefile ]; then $(MAKE) -C emu clean; fi
	@$(MAKE) -C tests/unit clean
	@$(MAKE) -C tests/loop clean
	@$(MAKE) -C driverkit clean
	@$(MAKE) -C tests/fuzz clean
	@$(MAKE) -C tools/acxxxctl clean
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(DRV) clean; fi
	rm -rf $(TOP)/dist
