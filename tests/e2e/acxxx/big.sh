# SPDX-License-Identifier: GPL-2.0-only
# A volume beyond 2 TiB (ACXXX_VOLUME_SIZE, sparse on the host): the
# block layer needs READ CAPACITY(16) and 16-byte CDBs for it, and data
# at its far end must land there and come back.

. /e2e/config
check "volume appears" wait_disks 1 180
h=$(acxxx_hosts | head -n 1)
sg=/dev/$(sg_of "$h" 1)
disk=/dev/$(disk_of "$h" 1)
blocks=$((ACXXX_VOLUME_BYTES / 512))
expect "sg_readcap -l: blocks" \
	"$(sg_readcap -l "$sg" | sed -n 's/.*Device size: \([0-9]*\) bytes.*/\1/p')" \
	"$ACXXX_VOLUME_BYTES"
expect "disk size (blockdev --getsize64)" "$(blockdev --getsize64 "$disk")" \
	"$ACXXX_VOLUME_BYTES"
dd if=/dev/urandom of=/tmp/rand bs=1M count=4 2>/dev/null
last=$((blocks - 8192))
check "sg_dd write at the last 4 MiB (WRITE(16))" sg_dd if=/tmp/rand of="$sg" \
	bs=512 bpt=128 count=8192 seek="$last" cdbsz=16
check "sg_dd read back" sg_dd if="$sg" of=/tmp/back bs=512 bpt=128 count=8192 \
	skip="$last" cdbsz=16
check "the far end holds what was written" cmp /tmp/rand /tmp/back
check "the block layer reaches it too" sh -c \
	"dd if=$disk of=/tmp/back2 bs=1M count=4 skip=$(((ACXXX_VOLUME_BYTES >> 20) - 4)) iflag=direct 2>/dev/null && cmp /tmp/rand /tmp/back2"
check "nothing landed at 2 TiB modulo (LBA $((last - 0x100000000)))" sh -c \
	"sg_dd if=$sg of=/tmp/wrap bs=512 bpt=128 count=8192 skip=$((last - 0x100000000)) cdbsz=16 2>/dev/null && ! cmp -s /tmp/rand /tmp/wrap"
check "fio verify past 2 TiB" fio --name=acxxx --filename="$disk" --direct=1 \
	--ioengine=libaio --iodepth=16 --rw=randrw --bs=64k \
	--offset=$((ACXXX_VOLUME_BYTES - (64 << 20))) --size=32M \
	--verify=crc32c --verify_fatal=1 --output-format=terse
check "rmmod acxxx" rmmod acxxx
check_klog
finish
