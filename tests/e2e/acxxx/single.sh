# SPDX-License-Identifier: GPL-2.0-only
# stage=single: the real hardware path with at most one command
# outstanding.  Everything works, one command at a time.

. /e2e/config
check "volume appears" wait_disks 1 180
h=$(acxxx_hosts | head -n 1)
s=/sys/class/scsi_host/host$h
expect "host stage" "$(cat "$s/stage")" single
expect "one command at a time (can_queue)" "$(cat "$s/can_queue")" 1
expect "queue depth" "$(cat /sys/class/scsi_device/$h:0:1:0/device/queue_depth)" 1
sg=/dev/$(sg_of "$h" 1)
disk=/dev/$(disk_of "$h" 1)
set -- $ACXXX_VOL_0_0
expect "VPD 0x80" "$(sg_vpd -p sn "$sg" | sed -n 's/.*Product serial number: *//p')" "$1"
dd if=/dev/urandom of=/tmp/rand bs=1M count=16 2>/dev/null
check "sg_dd write" sg_dd if=/tmp/rand of="$sg" bs=512 bpt=256 count=32768
check "sg_dd read" sg_dd if="$sg" of=/tmp/back bs=512 bpt=64 count=32768
check "16 MiB read back identical" cmp /tmp/rand /tmp/back
check "fio randrw verify, iodepth 8 on one slot" fio --name=acxxx --filename="$disk" \
	--direct=1 --ioengine=libaio --iodepth=8 --rw=randrw --bsrange=4k-128k \
	--size=16M --offset=32M --verify=crc32c --verify_fatal=1 --output-format=terse
check "rmmod acxxx" rmmod acxxx
check_klog
finish
