# SPDX-License-Identifier: GPL-2.0-only
# The host's side of ctl.sh: once the guest follows the events, add a
# volume to HBA 0 through the model's control socket (the firmware then
# sends its LUN change event).
. "$ACXXX_E2E_LIB/host-helpers.sh"
wait_console '^guest: acxxxctl: ready for a new volume'
ctl 0 volume add "lun=$ACXXX_VOLUMES" mem size=64M
