# SPDX-License-Identifier: GPL-2.0-only
# The demo: what an administrator sees after "modprobe acxxx" on a server
# with one Accusys 3108-family HBA holding two RAID volumes.

. /e2e/config
say() { printf '\n### %s\n' "$*"; }

wait_disks 2 180 || { echo "the volumes did not appear"; exit 1; }
h=$(acxxx_hosts | head -n 1)
s=/sys/class/scsi_host/host$h

say "the adapter (sysfs: /sys/class/scsi_host/host$h)"
for a in proc_name model serial firmware_version family stage controller_state; do
	printf '  %-17s %s\n' "$a" "$(cat "$s/$a")"
done
dmesg | grep -E 'acxxx|scsi host' | sed 's/^/  /'

say "lsscsi -g"
lsscsi -g

sg=/dev/$(sg_of "$h" 1)
say "sg_inq $sg"
sg_inq "$sg"
say "sg_vpd -p sn $sg ; sg_vpd -p di $sg"
sg_vpd -p sn "$sg"
sg_vpd -p di "$sg"
say "sg_readcap $sg"
sg_readcap "$sg"

say "sg_dd: 32 MiB of random data written in 512 KiB transfers, read back in 129-block transfers"
dd if=/dev/urandom of=/tmp/rand bs=1M count=32 2>/dev/null
sg_dd if=/tmp/rand of="$sg" bs=512 bpt=1024 count=65536 time=1
sg_dd if="$sg" of=/tmp/back bs=512 bpt=129 count=65536 time=1
if cmp /tmp/rand /tmp/back; then
	echo "READ-BACK CHECK: PASSED (32 MiB identical)"
	exit 0
fi
echo "READ-BACK CHECK: FAILED"
exit 1
