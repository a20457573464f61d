# SPDX-License-Identifier: GPL-2.0-only
# Helpers shared by the acxxx test runners (sourced, not executed).

ACXXX_CACHE=${ACXXX_CACHE:-/var/cache/acxxx}
export ACXXX_CACHE

# Run an infrastructure step (a download, an apt call) up to three times.
# Never wrap an assertion in this.
retry() {
	local n
	for n in 1 2 3; do
		"$@" && return 0
		echo "retry: attempt $n of '$*' failed" >&2
		sleep $((n * 5))
	done
	"$@"
}

# packages_missing [--admindir DIR] PKG...: print, one a line, each PKG
# that is not installed in the dpkg database (the host's, or the one in DIR,
# e.g. a chroot's var/lib/dpkg).  Only dpkg's own state "installed" counts:
# "dpkg-query -W PKG" also succeeds for a package dpkg merely knows of (one
# an installed package depends on or recommends, "not-installed") or whose
# configuration files are all that is left ("config-files").
packages_missing() {
	local admin=() p
	if [ "${1:-}" = --admindir ]; then
		admin=(--admindir "$2")
		shift 2
	fi
	for p in "$@"; do
		# One line per architecture of a multi-arch package.
		# shellcheck disable=SC2016 # a dpkg-query format
		dpkg-query "${admin[@]}" -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
			grep -qx installed || echo "$p"
	done
}

# Install Debian packages that are not installed yet.
ensure_packages() {
	local missing=()
	mapfile -t missing < <(packages_missing "$@")
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	retry apt-get -qq update
	DEBIAN_FRONTEND=noninteractive retry apt-get -qq install -y \
		--no-install-recommends "${missing[@]}" >/dev/null
}

# The packages every host-side layer needs.
ACXXX_HOST_PACKAGES=(build-essential pkg-config check clang llvm flex bison bc
	libelf-dev libssl-dev cpio xz-utils zstd kmod debootstrap busybox-static
	sparse linux-source-6.1 rsync)
