# SPDX-License-Identifier: GPL-2.0-only
# Guest helpers of the fault suite (after tests/e2e/acxxx/guest-lib.sh).
#
# A workload is a loop of 1 MiB O_DIRECT writes, each flushed, read back
# and compared, over the first 64 MiB of a disk; every cycle is counted as
# verified or failed.  The host injects the fault while it runs and tells
# the guest when it is done by adding a tiny volume at LUN index 63 (it
# appears as target 64): the product's own hot-plug path is the channel.

# workload TAG DEV: start a verified write/read loop in the background.
workload() {
	tag=$1
	dev=$2
	rm -f "/tmp/stop-$tag" "/tmp/wl-$tag.ok" "/tmp/wl-$tag.fail"
	dd if=/dev/urandom of="/tmp/wl-$tag.data" bs=1M count=1 2>/dev/null
	(
		i=0
		while [ ! -e "/tmp/stop-$tag" ]; do
			off=$((i % 64))
			# The disk went away: dd would create a plain file by its
			# name in /dev, which would then hide the disk that comes
			# back under that name.
			if [ ! -b "$dev" ]; then
				echo "$i" >>"/tmp/wl-$tag.fail"
				sleep 1
			elif dd if="/tmp/wl-$tag.data" of="$dev" bs=1M seek=$off count=1 \
				oflag=direct conv=fsync 2>/dev/null &&
			   dd if="$dev" of="/tmp/wl-$tag.back" bs=1M skip=$off count=1 \
				iflag=direct 2>/dev/null &&
			   cmp -s "/tmp/wl-$tag.data" "/tmp/wl-$tag.back"; then
				echo "$i" >>"/tmp/wl-$tag.ok"
			else
				echo "$i" >>"/tmp/wl-$tag.fail"
			fi
			i=$((i + 1))
		done
	) &
	eval "WL_PID_$tag=$!"
	eval "WL_DEV_$tag=$dev"
}

# workload_stop TAG: end the loop (each cycle ends in bounded time).
workload_stop() {
	touch "/tmp/stop-$1"
	eval "wait \$WL_PID_$1"
	# A dd that raced with the disk's removal may still have left one.
	eval "d=\$WL_DEV_$1"
	if [ -e "$d" ] && [ ! -b "$d" ]; then
		echo "workload $1: removing the plain file $d left behind"
		rm -f "$d"
	fi
}

wl_ok() { [ -f "/tmp/wl-$1.ok" ] && wc -l <"/tmp/wl-$1.ok" || echo 0; }
wl_fail() { [ -f "/tmp/wl-$1.fail" ] && wc -l <"/tmp/wl-$1.fail" || echo 0; }

# wait_cycles TAG N TIMEOUT: at least N verified cycles (the workload runs).
wait_cycles() {
	t=0
	while [ "$(wl_ok "$1")" -lt "$2" ] && [ "$t" -lt "$3" ]; do
		sleep 1
		t=$((t + 1))
	done
	[ "$(wl_ok "$1")" -ge "$2" ]
}

# arm NAME: tell the host the workload runs and the fault may come.
arm() {
	echo "ACXXX-FAULT-ARM $1"
}

# wait_host TIMEOUT: until the host's "done" volume (LUN index 63) shows up.
wait_host() {
	t=0
	while [ "$t" -lt "$1" ]; do
		for h in $(acxxx_hosts); do
			[ -d "/sys/class/scsi_device/$h:0:64:0" ] && return 0
		done
		sleep 1
		t=$((t + 1))
	done
	return 1
}

# has_target T: some acxxx host has target T (LUN index T - 1).
has_target() {
	for a in $(acxxx_hosts); do
		[ -d "/sys/class/scsi_device/$a:0:$1:0" ] && return 0
	done
	return 1
}

# wait_target T TIMEOUT: until target T shows up (a second signal from
# the host: a tiny volume at LUN index 62 is target 63).
wait_target() {
	t=0
	while [ "$t" -lt "$2" ]; do
		has_target "$1" && return 0
		sleep 1
		t=$((t + 1))
	done
	return 1
}

# wait_klog PATTERN TIMEOUT: the kernel log shows PATTERN.
wait_klog() {
	t=0
	while [ "$t" -lt "$2" ]; do
		dmesg | grep -qE "$1" && return 0
		sleep 1
		t=$((t + 1))
	done
	return 1
}

# Count the kernel reports (the lines check_klog would show).
klog_reports() {
	klog_bad | wc -l
}

# result NAME RECOVERED VERIFIED: the line the runner puts in its table.
result() {
	echo "fault-result: name=$1 cycles=$(( $(wl_ok main) + $(wl_fail main) )) recovered=$2 verified=$3 reports=$(klog_reports)"
}

# Short SCSI command timeouts: the error handler starts sooner.
short_timeouts() {
	for t in /sys/class/scsi_device/*/device/timeout; do
		echo "${1:-10}" >"$t"
	done
}

# wait_starting TIMEOUT: an acxxx adapter is bringing its controller up.
wait_starting() {
	t=0
	while [ "$t" -lt "$1" ]; do
		for a in $(acxxx_hosts); do
			[ "$(cat "/sys/class/scsi_host/host$a/controller_state")" = starting ] &&
				return 0
		done
		sleep 1
		t=$((t + 1))
	done
	return 1
}
