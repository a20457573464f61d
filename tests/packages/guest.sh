# SPDX-License-Identifier: GPL-2.0-only
# The package e2e's guest (after tests/e2e/acxxx/guest-lib.sh): the module
# DKMS built in the chroot sits in /lib/modules/KVER/updates/dkms; nothing
# loaded it.  Load it as udev does for a new PCI device, by the device's
# modalias, and see the volumes.

. /e2e/config
check "acxxx is not loaded before" sh -c "! grep -q '^acxxx ' /proc/modules"
n=0
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x14d6 ] || continue
	alias=$(cat "$d/modalias")
	check "modprobe by the modalias of ${d##*/} ($alias)" modprobe "$alias"
	n=$((n + 1))
done
expect "adapters with a modalias" "$n" "$ACXXX_HBAS"
path=$(modinfo -n acxxx 2>&1)
case "$path" in
*/updates/dkms/acxxx.ko) ok "the module is DKMS's: $path" ;;
*) bad "modinfo -n acxxx: '$path', not updates/dkms/acxxx.ko" ;;
esac
expect "the loaded module's version" "$(cat /sys/module/acxxx/version 2>&1)" "$ACXXX_GUEST_VERSION"
want=$((ACXXX_HBAS * ACXXX_VOLUMES))
check "$want volumes appear" wait_disks "$want" 180
h=$(acxxx_hosts | head -n 1)
disk=$(disk_of "$h" 1)
check "volume 0 is a disk (/dev/$disk)" test -b "/dev/$disk"
expect "volume 0's serial (VPD 0x80)" \
	"$(sg_vpd -p sn "/dev/$disk" 2>&1 | sed -n 's/.*Product serial number: *//p')" \
	"$(echo "$ACXXX_VOL_0_0" | cut -d' ' -f1)"
check "volume 0 reads" dd if="/dev/$disk" of=/dev/null bs=1M count=4
if [ -x /usr/sbin/acxxxctl ]; then
	check "acxxxctl --version: $ACXXX_GUEST_VERSION" \
		sh -c "/usr/sbin/acxxxctl --version | grep -qw '$ACXXX_GUEST_VERSION'"
fi
check_klog
finish
