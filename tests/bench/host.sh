# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# make bench, host side (a vm-run --host-script): follows the guest console
# and, for each fio run the guest announces (guest.sh), zeroes the HBA's
# model counters ("stats reset"), tells the guest to go (a line on its
# second serial port, a FIFO pair here), and once the run is done saves the
# model's "stats" line as $BENCH_STATS/DEV.JOB.RUN.  Peers (HBA "-") only
# get the go.
#
# Environment: BENCH_FIFO (the chardev pipe's path; we write PATH.in),
# BENCH_STATS (a directory), and vm-run's ACXXX_* variables.
set -uo pipefail
# shellcheck source=tests/e2e/lib/host-helpers.sh
. "$ACXXX_E2E_LIB/host-helpers.sh"

mkdir -p "$BENCH_STATS"
status=1
failed=0
while IFS= read -r line; do
	line=${line%$'\r'}
	case "$line" in
	"bench: ready "*)
		read -r _ _ dev job run hba <<<"$line"
		if [ "$hba" != - ]; then
			if ! ctl "$hba" stats reset >/dev/null; then
				echo "host: stats reset on HBA $hba failed"
				echo stop >"$BENCH_FIFO.in"	# the guest gives up
				break
			fi
		fi
		echo go >"$BENCH_FIFO.in"
		;;
	"bench: done "*)
		read -r _ _ dev job run hba <<<"$line"
		if [ "$hba" != - ]; then
			if ! ctl "$hba" stats >"$BENCH_STATS/$dev.$job.$run"; then
				echo "host: stats on HBA $hba failed"
				failed=1	# the report says which run lacks them
			fi
		fi
		;;
	"bench: end")
		status=$failed
		break
		;;
	"bench: error"*)
		echo "host: the guest failed: $line"
		break
		;;
	esac
done < <(tail -n +1 -f --pid="$ACXXX_QEMU_PID" "$ACXXX_SERIAL_LOG")
exit "$status"
