# SPDX-License-Identifier: GPL-2.0-only
# stage=null: no hardware I/O at all.  The driver presents one volume from
# the core's null responder: the disk node appears, the partition scan
# fails harmlessly, writes succeed and are discarded, reads fail.

. /e2e/config
check "one volume appears" wait_disks 1 120
h=$(acxxx_hosts | head -n 1)
expect "host stage" "$(cat /sys/class/scsi_host/host$h/stage)" null
check "volume at $h:0:1:0" test -d "/sys/class/scsi_device/$h:0:1:0"
check "nothing at $h:0:2:0" test ! -e "/sys/class/scsi_device/$h:0:2:0"
sg=/dev/$(sg_of "$h" 1)
disk=/dev/$(disk_of "$h" 1)
check "disk node $disk" test -b "$disk"
check "INQUIRY: the null volume" sh -c "sg_inq $sg | grep -q 'Product identification: NULL VOLUME'"
expect "VPD 0x80" "$(sg_vpd -p sn "$sg" | sed -n 's/.*Product serial number: *//p')" NULL0000
expect "capacity (1 GiB)" "$(sg_readcap "$sg" | sed -n 's/.*Number of logical blocks=//p')" 2097152
check "TEST UNIT READY" sg_turs "$sg"
dd if=/dev/urandom of=/tmp/rand bs=1M count=4 2>/dev/null
check "sg_dd write succeeds" sg_dd if=/tmp/rand of="$sg" bs=512 bpt=128 count=8192
check "sg_dd read fails" sh -c "! sg_dd if=$sg of=/tmp/back bs=512 bpt=128 count=8"
# sg3_utils exit status 3: a medium or hardware error.
sg_dd if="$sg" of=/tmp/back bs=512 count=1 >/tmp/sgdd.out 2>&1
expect "sg_dd read status (medium error)" "$?" 3
check "partition scan failed harmlessly" sh -c "dmesg | grep -qi 'unable to read partition table\\|I/O error'"
check "the driver said it is the null stage" sh -c "dmesg | grep -q 'null stage'"
check "rmmod acxxx" rmmod acxxx
check_klog
finish
