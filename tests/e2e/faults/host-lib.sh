# SPDX-License-Identifier: GPL-2.0-only
# Host helpers of the fault suite, sourced by each scenario's host part.
# vm-run provides: ACXXX_EMU, ACXXX_CTL0.., ACXXX_SERIAL_LOG, ACXXX_RUN_DIR,
# ACXXX_QMP.

ctl() {
	"$ACXXX_EMU" --ctl "${CTL:-$ACXXX_CTL0}" "$@"
}

# stat NAME: one counter of the model's statistics.
stat() {
	ctl stats | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# wait_marker TEXT TIMEOUT: the guest printed TEXT on its console.
wait_marker() {
	local t
	for ((t = 0; t < $2 * 5; t++)); do
		grep -aq -- "$1" "$ACXXX_SERIAL_LOG" && return 0
		sleep 0.2
	done
	echo "host: '$1' never appeared on the console"
	return 1
}

# wait_stat NAME MIN TIMEOUT: the counter reaches MIN.
wait_stat() {
	local t v
	for ((t = 0; t < $3; t++)); do
		v=$(stat "$1")
		[ "${v:-0}" -ge "$2" ] && return 0
		sleep 1
	done
	echo "host: $1 stayed at ${v:-?} (wanted $2)"
	return 1
}

# Tell the guest the fault is over: a tiny volume at LUN index 63.
signal_guest() {
	ctl volume add lun=63 mem size=1M
}

qmp() {
	python3 - "$ACXXX_QMP" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
f.flush()
f.readline()
f.write(sys.argv[2] + "\n")
f.flush()
print(f.readline().strip())
PY
}

host_result() {
	echo "host-result: $*"
}
