#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest half of the vfio-user smoke test: vfusmoke ran its checks when it
# probed each vfu-testdev; count its verdicts, then unbind and probe again
# (remove path, new DMA buffers, IRQs requested twice).
set -u
found=0
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0xcafe ] || continue
	found=$((found + 1))
	drv=none
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	echo "smoke: device $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") class $(cat "$d/class") driver $drv"
done
grep vfusmoke /proc/interrupts

verdicts() {
	total=$(dmesg | grep -c 'vfusmoke .*RESULT pass=')
	clean=$(dmesg | grep -c 'vfusmoke .*RESULT pass=[1-9][0-9]* fail=0$')
}
verdicts
echo "smoke: first probe: $found device(s), $total verdict(s), $clean clean"
rc=0
[ "$found" -eq "$ACXXX_HBAS" ] && [ "$total" -eq "$found" ] && [ "$clean" -eq "$found" ] || rc=1

rmmod vfusmoke || rc=1
modprobe vfusmoke || rc=1
verdicts
echo "smoke: after rebind: $total verdict(s), $clean clean"
[ "$total" -eq $((2 * found)) ] && [ "$clean" -eq "$total" ] || rc=1
echo "smoke: guest verdict $([ "$rc" -eq 0 ] && echo PASS || echo FAIL)"
exit "$rc"
