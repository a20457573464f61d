# SPDX-License-Identifier: GPL-2.0-only
# acxxxctl in the guest (issue 11 section 4), sourced by the cases after
# guest-lib.sh: ctl_checks runs every command against the adapters, as
# root and as a user.  Its JSON goes to the console on "guest-json: NAME:
# ..." lines, which tests/e2e/acxxx/run parses on the host with Python's
# json module (check-json) against the identities the models were given.
# The host script ctl-host.sh adds a volume to HBA 0 through the model's
# control socket when the guest says it is ready, and `events --follow`
# must see the firmware's event for it.

# ctl_rc WANT WHAT ARG...: acxxxctl ARG... exits with WANT.
ctl_rc() {
	want=$1
	what=$2
	shift 2
	acxxxctl "$@" >/tmp/ctl.out 2>/tmp/ctl.err
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$what: exit $rc"
	else
		bad "$what: exit $rc, want $want"
		cat /tmp/ctl.out /tmp/ctl.err | tail -n 10
	fi
}

# ctl_json NAME ARG...: acxxxctl --json ARG... must succeed; its output
# goes on one "guest-json: NAME: " line for the host.
ctl_json() {
	name=$1
	shift
	if acxxxctl --json "$@" >/tmp/ctl.json 2>/tmp/ctl.err; then
		ok "acxxxctl --json $*"
	else
		bad "acxxxctl --json $*: exit $?"
		cat /tmp/ctl.err
	fi
	echo "guest-json: $name: $(tr -d '\n' </tmp/ctl.json)"
}

ctl_checks() {
	t0=$(cut -d. -f1 /proc/uptime)
	hosts=$(acxxx_hosts)
	h0=$(echo "$hosts" | head -n 1)

	check "acxxxctl --version" acxxxctl --version
	acxxxctl --version
	echo "guest: acxxxctl list"
	acxxxctl list
	ctl_json list list
	i=0
	for h in $hosts; do
		# What sysfs has, for the host to compare (volume i: target i + 1).
		luns=$(ls /sys/class/scsi_device | sed -n "s/^$h:0:\([0-9]*\):0\$/\1/p" |
			sort -n | while read -r t; do printf '%s' "${sep:-}$((t - 1))"; sep=,; done)
		echo "guest-json: luns-$i: [$luns]"
		echo "guest: acxxxctl info host$h"
		acxxxctl info "host$h"
		ctl_json "info-$i" info "host$h"
		echo "guest: acxxxctl volumes $h"
		acxxxctl volumes "$h"
		ctl_json "volumes-$i" volumes "$h"
		i=$((i + 1))
	done

	# The HOST forms: a number, hostN, the PCI address.
	pci=$(basename "$(readlink -f "/sys/class/scsi_host/host$h0/device/..")")
	acxxxctl volumes "$h0" >/tmp/v.num
	acxxxctl volumes "$pci" >/tmp/v.pci
	check "HOST as a PCI address ($pci) names host$h0" cmp /tmp/v.num /tmp/v.pci

	# Management page 0 through the bsg node: the product ID first.
	echo "guest: acxxxctl page $h0 0 --hex"
	acxxxctl page "$h0" 0 --hex | tee /tmp/page0.hex
	expect "page 0 starts with the product ID" \
		"$(head -n 1 /tmp/page0.hex | sed 's/.*|\(ACS-[0-9A-F]*\).*/\1/')" \
		"ACS-$ACXXX_FAMILY_0"
	acxxxctl page "$h0" 0 >/tmp/page0.bin
	expect "page 0 raw: 512 bytes" "$(wc -c </tmp/page0.bin)" 512
	ctl_json page0 page "$h0" 0
	ctl_rc 2 "page 256" page "$h0" 256 --hex

	echo "guest: acxxxctl rtc $h0"
	acxxxctl rtc "$h0" | tee /tmp/rtc
	check "rtc: a date and a weekday" \
		grep -qE '^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9] [A-Z][a-z][a-z]$' /tmp/rtc
	ctl_json rtc rtc "$h0"

	# The echo round trip (write, read back, compare), on every adapter.
	for h in $hosts; do
		echo "guest: acxxxctl ping $h"
		acxxxctl ping "$h" | tee /tmp/ping
		check "ping host$h: 512 bytes compared" grep -q "^host$h: 512 bytes echoed and compared" /tmp/ping
	done
	ctl_rc 0 "ping --size 5120 (the whole in-band buffer)" ping "$h0" --size 5120
	ctl_rc 0 "ping --size 1" ping "$h0" --size 1
	ctl_json ping ping "$h0" --size 4096

	ctl_rc 0 "rescan host$h0" rescan "host$h0"
	ctl_rc 3 "info of a missing host" info host99
	check "missing host: the message" grep -q 'host99: no such acxxx adapter' /tmp/ctl.err
	ctl_rc 3 "a PCI address without an adapter" volumes 0000:7f:1f.7
	ctl_rc 2 "an unknown command" frobnicate

	# As a user: what sysfs gives works, the bsg node is refused.
	grep -q '^nobody:' /etc/passwd 2>/dev/null ||
		echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
	grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
	su -s /bin/sh nobody -c "acxxxctl list" >/tmp/user.out 2>&1
	expect "list as a user: exit" $? 0
	for c in info ping "events" rescan; do
		su -s /bin/sh nobody -c "acxxxctl $c $h0" >/tmp/user.out 2>&1
		rc=$?
		expect "$c as a user: exit" "$rc" 4
		[ "$rc" -eq 4 ] && cat /tmp/user.out
	done

	# Events: what the driver kept, then --follow sees a volume the
	# model adds through its control socket (ctl-host.sh).
	echo "guest: acxxxctl events $h0"
	acxxxctl events "$h0"
	ctl_json events events "$h0"
	# Only what comes after the events already kept: no race with the
	# host adding the volume.
	last=$(sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p' /tmp/ctl.json)
	echo "guest: events kept so far: up to sequence number ${last:-?}"
	acxxxctl --json events "$h0" --follow --since "${last:-0}" >/tmp/follow 2>/tmp/follow.err &
	fpid=$!
	nvol=$(ls -d /sys/class/scsi_device/"$h0":0:* | wc -l)
	echo "guest: acxxxctl: ready for a new volume"
	t=0
	while ! grep -q '"code":20,' /tmp/follow && [ "$t" -lt 180 ]; do
		sleep 1
		t=$((t + 1))
	done
	check "events --follow saw the LUN change event (0x14)" grep -q '"code":20,' /tmp/follow
	t=0
	while [ "$(ls -d /sys/class/scsi_device/"$h0":0:* | wc -l)" -le "$nvol" ] && [ "$t" -lt 180 ]; do
		sleep 1
		t=$((t + 1))
	done
	kill "$fpid"
	wait "$fpid" 2>/dev/null
	# The host made the firmware refuse the next RTC get before it added
	# the volume: status 6 and the firmware's status...
	ctl_rc 6 "rtc refused by the firmware" rtc "$h0"
	check "firmware error: its status and code printed" \
		grep -q "host$h0: rtc: firmware error: status 0x04, error code 0x" /tmp/ctl.err
	cat /tmp/ctl.err
	# ...and drop the one after it: no answer within --timeout, status 7;
	# the driver re-initialises the controller to take the request's slot
	# back, and until then says busy (5).  Then it works again.
	# (12 s: the driver waits in 10 s slices, so the hung-task detector
	# never sees it asleep for a long timeout; the slices add up to it.)
	t=$(cut -d. -f1 /proc/uptime)
	ctl_rc 7 "rtc the firmware never answers (--timeout 12)" rtc "$h0" --timeout 12
	t=$(($(cut -d. -f1 /proc/uptime) - t))
	check "timeout: given up after the whole 12 s (took $t s)" [ "$t" -ge 11 ]
	check "timeout: the message says so" \
		grep -q "host$h0: rtc: the firmware did not answer in time" /tmp/ctl.err
	cat /tmp/ctl.err
	t=0
	while acxxxctl rtc "$h0" >/dev/null 2>&1; rc=$?; [ "$rc" -eq 5 ] && [ "$t" -lt 180 ]; do
		sleep 1
		t=$((t + 1))
	done
	ctl_rc 0 "rtc once the firmware answers again" rtc "$h0"
	echo "guest: acxxxctl --json events $h0 --follow:"
	cat /tmp/follow /tmp/follow.err
	while read -r line; do
		echo "guest-json: follow: $line"
	done </tmp/follow
	echo "guest: acxxxctl volumes $h0 (after the volume was added)"
	acxxxctl volumes "$h0"
	ctl_json volumes-after volumes "$h0"
	echo "guest: acxxxctl checks took $(($(cut -d. -f1 /proc/uptime) - t0)) s"
}
