# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# make bench, guest side (busybox ash, run by tests/e2e/vm-run): finds the
# devices under test, then runs every fio job on each, twice, one at a
# time.  Around each run it prints
#   bench: ready DEV JOB RUN HBA       and waits for the host's "go" on ttyS1
#   BENCHRES DEV JOB RUN busy=T total=T locks=N|n/a
#   BENCHJSON DEV JOB RUN {fio's JSON on one line}
#   bench: done DEV JOB RUN HBA
# so the host script (host.sh) resets the model's counters before and reads
# them after, with nothing else running on that HBA in between.
#
# Environment (from tests/bench/run through vm-run): ACXXX_GUEST_BENCH_RUNTIME
# (s per run), ACXXX_GUEST_BENCH_RUNS, ACXXX_GUEST_BENCH_JOBS (job names),
# ACXXX_GUEST_BENCH_PEERS (0: acxxx only), ACXXX_GUEST_BENCH_SIZE_MB
# (scsi_debug), ACXXX_HBAS.

# vm-run's settings (the ACXXX_GUEST_* variables are not exported).
# shellcheck source=/dev/null
. /e2e/config
RUNTIME=${ACXXX_GUEST_BENCH_RUNTIME:-10}
RUNS=${ACXXX_GUEST_BENCH_RUNS:-2}
JOBS=${ACXXX_GUEST_BENCH_JOBS:-"randread-qd1 randread-qd32 randwrite-qd32 seqread-128k-qd8"}
SIZE_MB=${ACXXX_GUEST_BENCH_SIZE_MB:-256}
PEERS=${ACXXX_GUEST_BENCH_PEERS:-1}

die() {
	echo "bench: error: $*"
	exit 1
}

# The host talks to us on the second serial port (host.sh writes "go").
[ -c /dev/ttyS1 ] || die "no /dev/ttyS1 (the host's channel)"
stty -F /dev/ttyS1 -echo icanon 2>/dev/null || true
exec 3</dev/ttyS1

want=$ACXXX_HBAS
if [ "$PEERS" = 1 ]; then
	modprobe scsi_debug delay=0 ndelay=0 dev_size_mb="$SIZE_MB" num_tgts=1 \
		max_luns=1 || die "modprobe scsi_debug"
	modprobe null_blk nr_devices=1 || die "modprobe null_blk"
	modprobe virtio_pci || die "modprobe virtio_pci"
	modprobe virtio_scsi || die "modprobe virtio_scsi"
	modprobe megaraid_sas || die "modprobe megaraid_sas"
	want=$((ACXXX_HBAS + 4))
fi

# Wait (bounded by vm-run's timeout) until every expected disk is there.
disk_of_host() {
	for b in /sys/class/scsi_host/host"$1"/device/target*/*/block/*; do
		[ -e "$b" ] && basename "$b" && return 0
	done
	return 1
}

host_of() {
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name")" = "$1" ] && echo "${h##*host}"
	done | sort -n
}

# DEV NAME, block device, HBA index (- for peers), scsi host (- for none)
DEVS=/tmp/devs
tries=0
while :; do
	: >"$DEVS"
	for h in $(host_of acxxx); do
		d=$(disk_of_host "$h") || continue
		pci=$(readlink -f "/sys/class/scsi_host/host$h/device/..")
		# the serial vm-run gave HBA i: ACXE2E<i, 10 digits>
		serial=$(cat "/sys/class/scsi_host/host$h/serial")
		i=$(echo "$serial" | sed -n 's/^ACXE2E0*\([0-9][0-9]*\)$/\1/p')
		[ -n "$i" ] || i=$(echo "$serial" | sed -n 's/^ACXE2E0*$/0/p')
		id=$(sed 's/^0x//' "$pci/device")
		mode=intx
		[ -n "$(ls "$pci/msi_irqs" 2>/dev/null)" ] && mode=msi
		name=acxxx-$id-$mode
		# two HBAs alike (MSI not taken up): keep both rows apart
		grep -q "^$name " "$DEVS" && name=$name-hba$i
		echo "$name $d $i $h" >>"$DEVS"
	done
	for p in scsi_debug:scsi_debug virtio_scsi:virtio-scsi megaraid_sas:megasas-gen2; do
		for h in $(host_of "${p%%:*}"); do
			d=$(disk_of_host "$h") || continue
			echo "${p#*:} $d - $h" >>"$DEVS"
		done
	done
	[ -b /dev/nullb0 ] && echo "null_blk nullb0 - -" >>"$DEVS"
	[ "$(wc -l <"$DEVS")" -ge "$want" ] && break
	tries=$((tries + 1))
	[ "$tries" -lt 120 ] || break
	sleep 1
done
sort -o "$DEVS" "$DEVS"
echo "bench: devices:"
sed 's/^/bench:   /' "$DEVS"
[ "$(wc -l <"$DEVS")" -ge "$want" ] || die "expected $want devices, found $(wc -l <"$DEVS")"

job_args() {
	case "$1" in
	randread-qd1) echo "--rw=randread --bs=4k --iodepth=1 --numjobs=1" ;;
	randread-qd2) echo "--rw=randread --bs=4k --iodepth=2 --numjobs=1" ;;
	randread-qd4) echo "--rw=randread --bs=4k --iodepth=4 --numjobs=1" ;;
	randread-qd8) echo "--rw=randread --bs=4k --iodepth=8 --numjobs=1" ;;
	randread-qd32) echo "--rw=randread --bs=4k --iodepth=32 --numjobs=2" ;;
	randwrite-qd32) echo "--rw=randwrite --bs=4k --iodepth=32 --numjobs=1" ;;
	seqread-128k-qd8) echo "--rw=read --bs=128k --iodepth=8 --numjobs=1" ;;
	*) return 1 ;;
	esac
}

# Busy and total jiffies of the whole guest (all CPUs) from /proc/stat.
cpu_ticks() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i;
		print t - $5 - $6, t; exit }' /proc/stat
}

locks() {
	f=/sys/class/scsi_host/host$1/bench_lock_acquisitions
	if [ "$1" != - ] && [ -r "$f" ]; then cat "$f"; else echo n/a; fi
}

while read -r dev blk hba host; do
	for job in $JOBS; do
		args=$(job_args "$job") || die "unknown job $job"
		run=1
		while [ "$run" -le "$RUNS" ]; do
			echo "bench: ready $dev $job $run $hba"
			read -r go <&3 || die "the host's channel closed"
			[ "$go" = go ] || die "the host said '$go'"
			# shellcheck disable=SC2046 # two numbers, split on purpose
			set -- $(cpu_ticks)
			busy0=$1 total0=$2
			l0=$(locks "$host")
			# shellcheck disable=SC2086 # the job's arguments are words
			fio --name="$job" --filename="/dev/$blk" --ioengine=libaio \
				--direct=1 --time_based --runtime="$RUNTIME" \
				--norandommap --randrepeat=0 --group_reporting \
				--percentile_list=50:99 --output-format=json \
				--output=/tmp/fio.json $args </dev/null >/tmp/fio.err 2>&1 ||
				{ cat /tmp/fio.err; die "fio $job on $dev failed"; }
			l1=$(locks "$host")
			# shellcheck disable=SC2046 # two numbers, split on purpose
			set -- $(cpu_ticks)
			lk=n/a
			[ "$l0" = n/a ] || [ "$l1" = n/a ] || lk=$((l1 - l0))
			echo "BENCHRES $dev $job $run busy=$(($1 - busy0)) total=$(($2 - total0)) locks=$lk"
			printf 'BENCHJSON %s %s %s ' "$dev" "$job" "$run"
			tr -d '\n\t' </tmp/fio.json | tr -s ' '
			echo
			echo "bench: done $dev $job $run $hba"
			run=$((run + 1))
		done
	done
done <"$DEVS"
echo "bench: end"
