# SPDX-License-Identifier: GPL-2.0-only
# The host's side of ctl.sh (sourced at the end of full.host, bash): once
# the guest follows the events, make the
# firmware of HBA 0 refuse the next RTC get (status 0x04) and drop the
# one after it, then add a
# volume to it through the model's control socket (the firmware then sends
# its LUN change event).  LUN index 9: clear of the run's volumes and of
# the ones other parts of the case add.
. "$ACXXX_E2E_LIB/host-helpers.sh"
# A guest that ends before asking (an earlier failure) ends this too.
if ! wait_console '^guest: acxxxctl: ready for a new volume'; then
	echo "host: the guest never asked for acxxxctl's volume"
	exit 0
fi
ctl 0 fault add action=fail fn=mgmt op=0xa8 status=0x04 count=1
# and drop the one after it (the first rule that fires wins: this one
# fires once the first is used up).
ctl 0 fault add action=drop fn=mgmt op=0xa8 count=1
ctl 0 volume add lun=9 mem size=64M
