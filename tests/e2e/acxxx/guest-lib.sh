# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the acxxx guest scripts (busybox ash), prepended to each case
# by tests/e2e/acxxx/run.  Every check prints one line; the script ends with
# "guest: N passed, N failed".

PASS=0
FAIL=0

ok() {
	PASS=$((PASS + 1))
	echo "check: ok: $*"
}

bad() {
	FAIL=$((FAIL + 1))
	echo "check: FAILED: $*"
}

# check "what" command...: passes when the command succeeds.
check() {
	what=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok "$what"
	else
		bad "$what"
		sed 's/^/    /' /tmp/check.out | tail -n 20
	fi
}

# expect "what" got want
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1 ($2)"
	else
		bad "$1: got '$2', want '$3'"
	fi
}

finish() {
	echo "guest: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}

# The sd disk and sg node of host H, target T (channel 0, LUN 0).
disk_of() {
	ls "/sys/class/scsi_device/$1:0:$2:0/device/block" 2>/dev/null | head -n 1
}

sg_of() {
	ls "/sys/class/scsi_device/$1:0:$2:0/device/scsi_generic" 2>/dev/null | head -n 1
}

# wait_target_of H T SECONDS: host H has target T.
wait_target_of() {
	t=0
	while [ ! -d "/sys/class/scsi_device/$1:0:$2:0" ]; do
		[ "$t" -ge "$3" ] && return 1
		sleep 1
		t=$((t + 1))
	done
}

# Host numbers of the acxxx adapters, in PCI order (host numbers are
# given in probe order, which asynchronous probing does not tie to it).
acxxx_hosts() {
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name")" = acxxx ] &&
			echo "$(readlink -f "$h/device") ${h##*host}"
	done | sort | sed 's/.* //'
}

# Wait (at most $2 seconds) until $1 acxxx disks exist.
wait_disks() {
	want=$1
	t=0
	while [ "$t" -lt "$2" ]; do
		n=0
		for h in $(acxxx_hosts); do
			n=$((n + $(ls -d /sys/class/scsi_device/"$h":0:* 2>/dev/null | wc -l)))
		done
		[ "$n" -ge "$want" ] && return 0
		sleep 1
		t=$((t + 1))
	done
	echo "wait_disks: $n of $want disks after $2 s"
	return 1
}

# The kernel reports in the log, a line each: warnings, oopses, lockdep,
# KASAN, IRQ trouble.  The debug kernels' boot banners are not reports.
# Succeeds if there is one.
klog_bad() {
	dmesg | grep -E 'WARNING:|BUG:|Call Trace|general protection|lockdep|possible recursive locking|circular locking|KASAN|UBSAN|nobody cared|sleeping function called|DMA-API|kmemleak' |
		grep -vE 'RCU lockdep checking is enabled|DMA-API: preallocated [0-9]+ debug entries|DMA-API: debugging enabled by kernel config|kmemleak: Kernel memory leak detector initialized'
}

# No kernel report in the log.  On a kernel with kmemleak (the debug
# kernels) a scan runs first and must find nothing.
check_klog() {
	dbg=/sys/kernel/debug
	mounted=
	if [ -d $dbg ] && [ ! -e $dbg/kmemleak ] && mount -t debugfs debugfs $dbg 2>/dev/null; then
		mounted=1
	fi
	if [ -e $dbg/kmemleak ]; then
		# A write returns when its scan is done.  An object is only
		# reported by a scan that finds it unchanged since the previous
		# one and at least 5 s old: two scans, 5 s apart.
		echo scan >$dbg/kmemleak
		sleep 5
		echo scan >$dbg/kmemleak
		cat $dbg/kmemleak >/tmp/kmemleak
		if [ -s /tmp/kmemleak ]; then
			bad "no kmemleak report"
			head -n 80 /tmp/kmemleak
		else
			ok "no kmemleak report"
		fi
	fi
	[ -z "$mounted" ] || umount $dbg
	if klog_bad >/tmp/klog.bad; then
		bad "kernel log clean"
		head -n 40 /tmp/klog.bad
	else
		ok "kernel log clean"
	fi
}
