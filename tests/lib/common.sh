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

# Install Debian packages that are not installed yet.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
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
