# SPDX-License-Identifier: GPL-2.0-only
# The complete pipeline (stage=full), what an administrator would check:
# addresses, identity, capacity, data written and read back with sg_dd at
# several transfer shapes, fio with verification at queue depth 32, an
# ext4 file system, rmmod and modprobe, and a clean kernel log.
# Runs in the guest after guest-lib.sh; vm-run's /e2e/config gives the
# expected identities (ACXXX_VOL_<hba>_<volume>="serial naa").

. /e2e/config
nvol=$((ACXXX_HBAS * ACXXX_VOLUMES))
check "$nvol volumes appear" wait_disks "$nvol" 180
hosts=$(acxxx_hosts)
expect "adapters" "$(echo "$hosts" | wc -w)" "$ACXXX_HBAS"
# Each adapter's family, whatever the mix of dialects (--family A,B,...).
want=$(i=0; while [ "$i" -lt "$ACXXX_HBAS" ]; do eval echo "\$ACXXX_DIALECT_$i"; i=$((i + 1)); done | sort | tr '\n' ' ')
got=$(for h in $hosts; do cat "/sys/class/scsi_host/host$h/family"; done | sort | tr '\n' ' ')
expect "adapter families" "$got" "$want"

# Addresses: volume j of an adapter is channel 0, target j+1, LUN 0 (16.4).
i=0
for h in $hosts; do
	j=0
	while [ "$j" -lt "$ACXXX_VOLUMES" ]; do
		t=$((j + 1))
		if [ -d "/sys/class/scsi_device/$h:0:$t:0" ]; then
			ok "volume $j of HBA $i at $h:0:$t:0"
		else
			bad "volume $j of HBA $i not at $h:0:$t:0"
		fi
		j=$((j + 1))
	done
	check "nothing at target 0 of host $h" test ! -e "/sys/class/scsi_device/$h:0:0:0"
	s=/sys/class/scsi_host/host$h
	expect "host $h stage" "$(cat "$s/stage")" full
	expect "host $h state" "$(cat "$s/controller_state")" running
	expect "host $h serial" "$(cat "$s/serial")" "$(eval echo \$ACXXX_HBA_SERIAL_$i)"
	check "host $h firmware version" test -n "$(cat "$s/firmware_version")"
	check "host $h model" test -n "$(cat "$s/model")"
	i=$((i + 1))
done
lsscsi

# MSI when the device offers it, shared INTx otherwise (16.8).
irqs=$(grep acxxx /proc/interrupts)
echo "$irqs"
case $ACXXX_GUEST_IRQ in
msi) check "interrupts are MSI" sh -c "echo '$irqs' | grep -q MSI" ;;
*) check "interrupts are INTx" sh -c "echo '$irqs' | grep -q IO-APIC" ;;
esac

# Identity: INQUIRY and the VPD pages match what the model was given.
i=0
for h in $hosts; do
	j=0
	while [ "$j" -lt "$ACXXX_VOLUMES" ]; do
		sg=/dev/$(sg_of "$h" $((j + 1)))
		set -- $(eval echo \$ACXXX_VOL_${i}_$j)
		want_sn=$1
		want_naa=$2
		sg_inq "$sg" >/tmp/inq
		expect "vendor of $sg" "$(sed -n 's/.*Vendor identification: *//p' /tmp/inq | tr -d ' ')" ACCUSYS
		check "product of $sg" grep -q 'Product identification: ACS-' /tmp/inq
		expect "VPD 0x80 of $sg" "$(sg_vpd -p sn "$sg" | sed -n 's/.*Product serial number: *//p')" "$want_sn"
		check "VPD 0x83 NAA of $sg" sh -c "sg_vpd -p di '$sg' | grep -qix '  *0x$want_naa'"
		sg_readcap "$sg" >/tmp/cap
		expect "capacity of $sg" "$(sed -n 's/.*Number of logical blocks=//p' /tmp/cap)" \
			$((ACXXX_VOLUME_BYTES / 512))
		expect "block length of $sg" "$(sed -n 's/.*Logical block length=\([0-9]*\).*/\1/p' /tmp/cap)" 512
		j=$((j + 1))
	done
	i=$((i + 1))
done

# A buffer longer than the command moves is no error (SAM): TEST UNIT
# READY through sg with a 36-byte read buffer answers GOOD, moves nothing
# (the whole buffer is residual) and leaves no warning in the log.
h=$(echo "$hosts" | head -n 1)
sg=/dev/$(sg_of "$h" 1)
check "sg_turs" sg_turs "$sg"
check "TEST UNIT READY with a 36-byte read buffer is GOOD" \
	sh -c "sg_raw -r 36 '$sg' 00 00 00 00 00 00 >/tmp/raw 2>&1"
check "... and moves no data" sh -c "grep -q 'SCSI Status: Good' /tmp/raw &&
	grep -q 'No data received' /tmp/raw"
check "... and no firmware rejection in the log" \
	sh -c "! dmesg | grep -q 'firmware rejected the command\\|undefined reply status'"

# 64 MiB of random data through sg, in four 16 MiB parts of different
# shapes: 512 KiB direct I/O transfers (128 pages: 128 segments), odd
# sizes of 129 and 7 blocks, and single blocks for the last 1 MiB.
echo 1 >/sys/module/sg/parameters/allow_dio
dd if=/dev/urandom of=/tmp/rand bs=1M count=64 2>/dev/null
check "sg_dd write, 512 KiB direct" sg_dd if=/tmp/rand of="$sg" bs=512 bpt=1024 dio=1 count=32768
check "sg_dd write, 129 blocks" sg_dd if=/tmp/rand of="$sg" bs=512 bpt=129 skip=32768 seek=32768 count=32768
check "sg_dd write, 7 blocks" sg_dd if=/tmp/rand of="$sg" bs=512 bpt=7 skip=65536 seek=65536 count=63488
check "sg_dd write, 1 block" sg_dd if=/tmp/rand of="$sg" bs=512 bpt=1 skip=129024 seek=129024 count=2048
check "sg_dd read, 512 KiB direct" sg_dd if="$sg" of=/tmp/back bs=512 bpt=1024 dio=1 count=131072
check "64 MiB read back identical (512 KiB)" cmp /tmp/rand /tmp/back
rm -f /tmp/back
check "sg_dd read, 255 blocks" sg_dd if="$sg" of=/tmp/back bs=512 bpt=255 count=131072
check "64 MiB read back identical (255 blocks)" cmp /tmp/rand /tmp/back
rm -f /tmp/back

# Random mixed I/O at queue depth 32, every block verified.
disk=/dev/$(disk_of "$h" 1)
check "fio randrw verify=crc32c iodepth=32" fio --name=acxxx --filename="$disk" \
	--direct=1 --ioengine=libaio --iodepth=32 --rw=randrw --bsrange=4k-256k \
	--size=48M --offset=64M --verify=crc32c --verify_fatal=1 --do_verify=1 \
	--randrepeat=0 --output-format=terse

# A file system on the last volume.
lastdisk=/dev/$(disk_of "$h" "$ACXXX_VOLUMES")
check "mkfs.ext4" mkfs.ext4 -q -F "$lastdisk"
check "mount" mount -t ext4 "$lastdisk" /mnt
check "write files" sh -c 'dd if=/tmp/rand of=/mnt/big bs=1M count=32 2>/dev/null &&
	for n in $(seq 1 200); do echo "file $n" >/mnt/f$n || exit 1; done && sync'
check "files read back" cmp -n 33554432 /tmp/rand /mnt/big
check "umount" umount /mnt
check "fsck clean" fsck.ext4 -fn "$lastdisk"

# Unload while idle, load again: the volumes come back with their data.
# The adapter written to is found again by its PCI address, whatever host
# number the reload gives it.
pci=$(dirname "$(readlink -f "/sys/class/scsi_host/host$h/device")")
check "rmmod acxxx" rmmod acxxx
check "no acxxx host left" test -z "$(acxxx_hosts)"
check "modprobe acxxx" modprobe acxxx
check "$nvol volumes back" wait_disks "$nvol" 180
for x in $(acxxx_hosts); do
	[ "$(dirname "$(readlink -f "/sys/class/scsi_host/host$x/device")")" = "$pci" ] && h=$x
done
sg=/dev/$(sg_of "$h" 1)
check "data kept across reload" sh -c "sg_dd if=$sg of=/tmp/back bs=512 bpt=1024 count=8192 &&
	cmp -n 4194304 /tmp/rand /tmp/back"

# What an administrator does by hand: delete a volume's device, then ask
# the host to scan.  The volume goes, comes back, and keeps its data.
check "delete through sysfs" sh -c "echo 1 >/sys/class/scsi_device/$h:0:1:0/device/delete"
check "the volume is gone" test ! -e "/sys/class/scsi_device/$h:0:1:0"
check "host scan through sysfs" sh -c "echo '- - -' >/sys/class/scsi_host/host$h/scan"
check "the volume is back" test -e "/sys/class/scsi_device/$h:0:1:0"
expect "nothing else appeared" "$(ls -d /sys/class/scsi_device/$h:0:* | wc -l)" \
	"$ACXXX_VOLUMES"
sg=/dev/$(sg_of "$h" 1)
check "its data is intact" sh -c "sg_dd if=$sg of=/tmp/back bs=512 bpt=1024 count=8192 &&
	cmp -n 4194304 /tmp/rand /tmp/back"

# The management interface (/dev/bsg/acxxx<host>): malformed requests get
# the header's errno and nothing else happens, valid ones work (identity,
# pages, echo, RTC, signature, firmware update, events, concurrent
# callers); then a volume added and an event emitted through the model's
# control socket (full.host) reach the log, the event log and user space
# as uevents.
bsg=/dev/bsg/acxxx$h
check "bsg node $bsg" test -c "$bsg"
expect "its device is a child of the PCI function" \
	"$(readlink -f "/sys/class/bsg/acxxx$h/device/..")" \
	"$(readlink -f "/sys/class/scsi_host/host$h/device/..")"
# bsg_report FILE: count acxxx-bsgtest's "ok:"/"FAILED:" lines as checks.
bsg_report() {
	while IFS= read -r l; do
		case $l in
		"ok: "*) ok "bsg: ${l#ok: }" ;;
		"FAILED: "*) bad "bsg: ${l#FAILED: }" ;;
		*) echo "$l" ;;
		esac
	done <"$1"
}
acxxx-bsgtest check "$bsg" "$h" "$ACXXX_HBA_SERIAL_0" \
	"$(cat "/sys/class/scsi_host/host$h/model")" "$ACXXX_VOLUMES" >/tmp/bsg.out 2>&1
rc=$?
bsg_report /tmp/bsg.out
grep -q '^FAILED: ' /tmp/bsg.out || expect "acxxx-bsgtest status" "$rc" 0
seq0=$(acxxx-bsgtest events "$bsg" 0 | sed -n 's/^last_seq=\([0-9]*\).*/\1/p')
rm -f /tmp/uev.ready
acxxx-bsgtest uevents 300 /tmp/uev.ready ACXXX_EVENT=0x42 \
	"ACXXX_LUN=5 ACXXX_VOLUME=added" >/tmp/uev.out 2>&1 &
uev=$!
t=0
while [ ! -e /tmp/uev.ready ] && [ "$t" -lt 30 ]; do sleep 1; t=$((t + 1)); done
echo "ACXXX-MGMT-EVENTS"
wait "$uev"
expect "uevents ACXXX_EVENT=0x42 and ACXXX_LUN=5 added seen" "$?" 0
sed 's/^/    /' /tmp/uev.out
check "the added volume appears" wait_target_of "$h" 6 120
acxxx-bsgtest events "$bsg" "$seq0" >/tmp/ev.out
cat /tmp/ev.out
check "event log: the LUN change" grep -q '^event [0-9]* 0x14 ' /tmp/ev.out
check "event log: event 0x42 and its data" grep -q '^event [0-9]* 0x42 1 2 3$' /tmp/ev.out
check "kernel log: the events in words" sh -c \
	"dmesg | grep -q 'firmware event [0-9]*: 0x42, event unknown to the driver' &&
	 dmesg | grep -q 'firmware event [0-9]*: 0x14, volume configuration changed'"

# A management request the firmware never answers (the host drops one):
# ETIMEDOUT after the request's own timeout, then the re-init the driver
# schedules for a lost management request takes the slot back and the
# next request works.
echo "ACXXX-MGMT-DROP"
acxxx-bsgtest timeout "$bsg" 300 >/tmp/bsg.out 2>&1
bsg_report /tmp/bsg.out
check "the volumes are still there" wait_disks "$((nvol + 1))" 120
check "kernel log: the lost request and the re-init" sh -c \
	"dmesg | grep -q 'no answer to a management request' &&
	 dmesg | grep -q 'controller re-initialised'"

# The management tool on every command (ctl.sh), last: it adds a volume.
ctl_checks

check_klog
finish
