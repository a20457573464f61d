# SPDX-License-Identifier: GPL-2.0-only
#
# acxxx: the one entry point.
#
#   make            build the kernel module (running kernel's headers, or
#                   KDIR=) and the device model
#   make demo       the main job: the driver on Debian's kernel in QEMU,
#                   over the emulated HBA (see README.md)
#   make check      every test layer; ends with "N passed, N failed"
#   make harness | core-build | style | driver-build | kunit | unit | loop
#                   | driverkit | fuzz | e2e | faults-ci | bench-smoke   one layer each
#   make faults     the whole fault suite on the debug kernels
#   make e2e-debug  the driver's end-to-end runs on the debug kernels
#   make bench      the hot path's figures beside its peers (tests/bench)
#
# Downloads and built artefacts are cached in $(ACXXX_CACHE), outside the
# checkout.

ACXXX_CACHE ?= /var/cache/acxxx
export ACXXX_CACHE

TOP := $(CURDIR)
DRV := $(TOP)/drivers/scsi/acxxx

KDIR ?= $(wildcard /lib/modules/$(shell uname -r)/build)

CHECK_LAYERS ?= harness core-build style driver-build kunit unit loop driverkit fuzz e2e-ci faults-ci \
		bench-smoke

.PHONY: all module emu check harness demo e2e e2e-ci e2e-debug faults faults-ci driver-build kunit unit loop driverkit fuzz style core-build host-deps clean help \
	bench bench-smoke

all: module emu

help:
	@sed -n '3,14p' Makefile

host-deps:
	@tests/lib/ensure-host

module:
ifeq ($(KDIR),)
	@echo "module: no kernel headers for $(shell uname -r); pass KDIR=<kernel build dir>"
	@echo "module: (make e2e builds the module for the test kernels itself)"
else
	$(MAKE) -C $(KDIR) M=$(DRV) CONFIG_SCSI_ACXXX=m W=1 modules
endif

emu:
	@if [ -f emu/Makefile ]; then $(MAKE) -C emu; fi

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

# The end-to-end layer of make check, and with it the longer runs: the
# full case under the realistic timing on each dialect and on the 2208
# family on both kernels.
e2e-ci: host-deps
	@tests/e2e/run

e2e: host-deps
	@tests/e2e/run --all

# The driver's end-to-end runs on the debug (KASAN, lockdep, ...) builds
# of their kernels.
e2e-debug: host-deps
	@tests/e2e/acxxx/run --debug-kernel

# Every fault on the debug (KASAN, lockdep, ...) builds of both kernels,
# both register dialects; the 2208 family's event, reset, hang and pause
# scenarios; the event, reset and hot-plug ones under the realistic timing.
faults: host-deps
	@tests/e2e/faults/ci --all

# The part of it that make check runs: every fault on 6.1 with a 3108, the
# error handler's ladder and a hang on the 341 family, a hang on the 2208
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
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(DRV) clean; fi
