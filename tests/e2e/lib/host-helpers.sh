# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Helpers for --host-script files of tests/e2e/vm-run (source them with
# '. "$ACXXX_E2E_LIB/host-helpers.sh"').  vm-run exports:
#   ACXXX_CTL0.. ACXXX_CTL<n-1>  control socket of each HBA's model
#   ACXXX_CTL                    all of them, space-separated
#   ACXXX_EMU                    the model program (its --ctl client mode)
#   ACXXX_SERIAL_LOG             the guest console, as it is written
#   ACXXX_QEMU_PID, ACXXX_RUN_DIR, ACXXX_HBAS, ACXXX_VOLUMES

# wait_console REGEX: wait until the guest console has a line matching
# REGEX (grep -E).  Fails if the guest ends first.  No time limit of its
# own: vm-run's guest timeout bounds it.
wait_console() {
	while ! tr -d '\r' <"$ACXXX_SERIAL_LOG" | grep -E -- "$1" >/dev/null; do
		if ! kill -0 "$ACXXX_QEMU_PID" 2>/dev/null; then
			tr -d '\r' <"$ACXXX_SERIAL_LOG" | grep -E -- "$1" >/dev/null && return 0
			echo "wait_console: the guest ended before '$1'" >&2
			return 1
		fi
		sleep 0.5
	done
}

# ctl N CMD...: send one command to HBA N's model, print the answer.
ctl() {
	local var=ACXXX_CTL$1
	shift
	"$ACXXX_EMU" --ctl "${!var}" "$@"
}
