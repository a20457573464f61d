# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the scripts sourcing this
#
# Shared by the end-to-end harness (sourced, not executed): cache layout,
# logging, the sid tree and the kernels.
#
# Cache layout (see tests/e2e/README.md):
#   $ACXXX_CACHE/e2e/sid/              debootstrap'ed Debian sid tree (QEMU,
#                                      gcc, sid's kernel headers, guest tools)
#   $ACXXX_CACHE/e2e/sid.done          stamp: the tree is complete
#   $ACXXX_CACHE/e2e/apt-bookworm/     private apt state used to resolve 6.1
#   $ACXXX_CACHE/e2e/debs/             downloaded kernel packages
#   $ACXXX_CACHE/e2e/kernels/NAME/     one directory per guest kernel:
#       root/                          the packages extracted (dpkg-deb -x)
#       info                           KVER=, VERSION=, PACKAGES=, BUILD=
#       initramfs.cpio.gz              base initramfs (tools, modules, /init)
#   $ACXXX_CACHE/e2e/kernels/NAME-debug/  a debug build of Debian's source
#                                      (lib/build-debug-kernel): build/ (the
#                                      tree, = HEADERS), root/, info, initramfs

E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DIR=$(dirname "$E2E_LIB")
E2E_TOP=$(cd "$E2E_DIR/../.." && pwd)

# shellcheck source=tests/lib/common.sh
. "$E2E_TOP/tests/lib/common.sh"

E2E_CACHE=$ACXXX_CACHE/e2e
SID=$E2E_CACHE/sid
# Debian trixie's tree: its gcc and 6.12's headers (kernel 6.12).
TRIXIE=$E2E_CACHE/trixie
MIRROR=${ACXXX_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${ACXXX_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# The machine clock may be ahead of a Release file's Valid-Until.
APT_OPTS=(-o Acquire::Check-Valid-Until=false -o Acquire::Retries=3)

# Host packages the harness needs (Debian 12 names).
E2E_HOST_PACKAGES=(debootstrap cpio gzip xz-utils zstd kmod make gcc
	libc6-dev libelf-dev bc util-linux)
# What the trixie tree gets on top of minbase.
TRIXIE_PACKAGES=(gcc make libc6-dev linux-headers-amd64 kmod sparse)
# What the sid tree gets on top of minbase.
SID_PACKAGES=(qemu-system-x86 gcc make libc6-dev linux-headers-amd64
	busybox-static sg3-utils fio lsscsi e2fsprogs kmod)

log() {
	printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# Exit status of die(): vm-run makes it 126, "harness failure".
E2E_DIE_STATUS=1

die() {
	printf '[e2e] error: %s\n' "$*" >&2
	exit "$E2E_DIE_STATUS"
}

# usage_args TEXT MIN MAX ARG...: the usage of a script taking MIN..MAX
# arguments.  -h or --help first prints TEXT and exits 0; a count outside
# the range prints TEXT on stderr and exits 2.
usage_args() {
	local text=$1 min=$2 max=$3

	shift 3
	case "${1:-}" in
	-h | --help)
		echo "$text"
		exit 0
		;;
	esac
	if [ $# -lt "$min" ] || [ $# -gt "$max" ]; then
		echo "$text" >&2
		exit 2
	fi
}

# Run a command in a private mount namespace: whatever it mounts vanishes
# when it ends, however it ends (even SIGKILL), so nothing leaks on the host.
in_private_ns() {
	unshare --mount --propagation private -- "$@"
}

# The command line that runs a command chrooted into the sid tree with
# /proc, /sys and /dev mounted, in a private mount namespace (see above):
# sets SID_ARGV.  Every step execs the next, so a background job started
# with "${SID_ARGV[@]}" & has the PID of the final command (QEMU).  Extra
# bind mounts: SID_BINDS=("host_dir:tree_dir" ...).
# shellcheck disable=SC2016 # the script expands in the namespace
sid_argv() {
	SID_ARGV=(unshare --mount --propagation private -- /bin/bash -euo pipefail -c '
		sid=$1; shift
		nb=$1; shift
		mount -t proc proc "$sid/proc"
		mount -t sysfs sys "$sid/sys"
		mount --rbind /dev "$sid/dev"
		while [ "$nb" -gt 0 ]; do
			src=${1%%:*}; dst=${1#*:}; shift; nb=$((nb - 1))
			mkdir -p "$sid$dst"
			mount --bind "$src" "$sid$dst"
		done
		exec chroot "$sid" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' sid_run "$SID" "${#SID_BINDS[@]}" "${SID_BINDS[@]}" "$@")
}
SID_BINDS=()
SID_ARGV=()

# Run a command chrooted into the sid tree (foreground).
sid_run() {
	sid_argv "$@"
	"${SID_ARGV[@]}"
}

# debootstrap_tree SUITE DIR LOG: a minbase Debian SUITE in DIR (replaced),
# debootstrap retried, apt set up for the harness (no recommends, retries,
# the suite's -updates and -security beside it unless it is sid) and its
# lists fetched.  The caller installs what it needs and moves DIR in place.
debootstrap_tree() {
	local suite=$1 dir=$2 log=$3 n

	for n in 1 2 3; do
		rm -rf "$dir"
		# debootstrap mounts proc/sys in the target: keep them private.
		if in_private_ns debootstrap --variant=minbase "$suite" "$dir" \
			"$MIRROR" >"$log" 2>&1; then
			break
		fi
		tail -n 20 "$log" >&2
		[ "$n" -eq 3 ] && die "debootstrap $suite failed 3 times (log: $log)"
		log "debootstrap attempt $n failed, retrying"
		sleep $((n * 10))
	done
	cat >"$dir/etc/apt/apt.conf.d/90acxxx" <<-EOF
	Acquire::Check-Valid-Until "false";
	Acquire::Retries "3";
	APT::Install-Recommends "false";
	EOF
	echo "deb $MIRROR $suite main" >"$dir/etc/apt/sources.list"
	if [ "$suite" != sid ]; then
		cat >>"$dir/etc/apt/sources.list" <<-EOF
		deb $MIRROR $suite-updates main
		deb $SECURITY_MIRROR $suite-security main
		EOF
	fi
	SID=$dir retry sid_run apt-get -qq update
}

# Serialise cache creation between concurrent runs.
cache_lock() {
	mkdir -p "$E2E_CACHE"
	exec 9>"$E2E_CACHE/.lock"
	flock 9
}

cache_unlock() {
	flock -u 9
}

# Kernel name (6.1, 7.2, sid, 6.1-debug...) -> cache directory.
kernel_dir() {
	echo "$E2E_CACHE/kernels/$1"
}

# module_copy SRC DST: a kernel module file, decompressed (.xz, .zst, .gz
# or plain) into DST.
module_copy() {
	case "$1" in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -q -dc "$1" >"$2" ;;
	*.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# Read one KEY= from a kernel's info file.
kernel_info() {
	local f
	f=$(kernel_dir "$1")/info
	[ -f "$f" ] || die "kernel $1 is not in the cache ($f missing)"
	sed -n "s/^$2=//p" "$f"
}
