#!/bin/sh
# Install vigil from a GitHub release: download the archive for this
# machine, check it against the release's checksums.txt, and put the binary
# in a directory. Nothing is installed unless the checksum matches.
#
#   curl -fsSL https://github.com/vigilsec/vigil/releases/latest/download/install.sh | sh
#   curl -fsSL https://github.com/vigilsec/vigil/releases/latest/download/install.sh | sh -s -- -v v0.1.0 -b /usr/local/bin
#
# Options (or the environment variable beside each):
#   -v VERSION   VIGIL_VERSION      a release tag (v0.1.0) or latest (the default)
#   -b DIR       VIGIL_INSTALL_DIR  where vigil goes (default $HOME/.local/bin)
#   --from-source  VIGIL_FROM_SOURCE=1
#                build with the go command instead of downloading: from
#                VIGIL_SOURCE (a vigil source tree) when set, else
#                go install github.com/vigilsec/vigil/cmd/vigil@VERSION
#   VIGIL_RELEASES  where releases live (default
#                https://github.com/vigilsec/vigil/releases; a test or a
#                mirror points it elsewhere): the archive is fetched from
#                $VIGIL_RELEASES/download/TAG/vigil_VERSION_OS_ARCH.tar.gz
#                (.zip on Windows), beside checksums.txt; latest is the tag
#                $VIGIL_RELEASES/latest redirects to.
#
# Exit status: 0 installed; 1 failed (download error, checksum mismatch,
# no archive for this platform): nothing was installed; 2 usage; 4 the
# release does not exist (no such tag, or no release yet): nothing was
# installed, and --from-source is the way on.
#
# The checksum guards against a truncated or altered download and a wrong
# asset; checksums.txt comes from the same release, so it cannot vouch for
# a release whose publisher was compromised.
set -eu

repo_module=github.com/vigilsec/vigil
version=${VIGIL_VERSION:-latest}
dir=${VIGIL_INSTALL_DIR:-${HOME:-}/.local/bin}
releases=${VIGIL_RELEASES:-https://github.com/vigilsec/vigil/releases}
from_source=${VIGIL_FROM_SOURCE:-0}

say() { printf 'vigil install: %s\n' "$*" >&2; }
fail() {
	code=$1
	shift
	printf 'vigil install: %s\n' "$*" >&2
	exit "$code"
}

usage() {
	fail 2 "usage: install.sh [-v VERSION] [-b DIR] [--from-source]"
}

while [ $# -gt 0 ]; do
	case $1 in
	-v | --version)
		[ $# -ge 2 ] || usage
		version=$2
		shift 2
		;;
	-b | --bin-dir)
		[ $# -ge 2 ] || usage
		dir=$2
		shift 2
		;;
	--from-source)
		from_source=1
		shift
		;;
	-h | --help)
		sed -n '2,/^set -eu/p' "$0" 2>/dev/null | sed '$d' | sed 's/^# \{0,1\}//' >&2 || true
		exit 0
		;;
	*) usage ;;
	esac
done

[ -n "$dir" ] || fail 2 "no install directory: set VIGIL_INSTALL_DIR or pass -b DIR"

# A version is a tag such as v1.2.3 or v1.2.3-rc.1; anything else would end
# up in a URL and a file name, so it is refused, not quoted.
case $version in
latest) ;;
[0-9]*) version=v$version ;;
esac
if [ "$version" != latest ] &&
	! printf '%s\n' "$version" | grep -Eq '^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$'; then
	fail 2 "version '$version' is not a release tag such as v0.1.0 (or latest)"
fi

platform() {
	case $(uname -s) in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
	*) fail 1 "no vigil release for $(uname -s); build it: go install $repo_module/cmd/vigil@latest" ;;
	esac
	case $(uname -m) in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) fail 1 "no vigil release for $(uname -m); build it: go install $repo_module/cmd/vigil@latest" ;;
	esac
	exe=vigil
	ext=tar.gz
	if [ "$os" = windows ]; then
		exe=vigil.exe
		ext=zip
	fi
}

# place FILE: install FILE as $dir/$exe, replacing any vigil there in one
# rename so a running scan never sees half a binary.
place() {
	mkdir -p "$dir"
	cp "$1" "$dir/.$exe.new.$$"
	chmod 755 "$dir/.$exe.new.$$"
	mv -f "$dir/.$exe.new.$$" "$dir/$exe"
}

build_from_source() {
	command -v go >/dev/null 2>&1 || fail 1 "building from source needs the go command (https://go.dev/dl/)"
	mkdir -p "$dir"
	if [ -n "${VIGIL_SOURCE:-}" ]; then
		say "building vigil from $VIGIL_SOURCE"
		flags=
		[ "$version" = latest ] || flags="-X main.version=$version"
		(cd "$VIGIL_SOURCE" && go build -ldflags "$flags" -o "$tmp/$exe" ./cmd/vigil) ||
			fail 1 "go build in $VIGIL_SOURCE failed"
		place "$tmp/$exe"
	else
		say "building vigil $version with go install"
		GOBIN=$(cd "$dir" && pwd) go install "$repo_module/cmd/vigil@$version" ||
			fail 1 "go install $repo_module/cmd/vigil@$version failed"
	fi
	say "installed $("$dir/$exe" version | head -n 1) at $dir/$exe"
}

# fetch URL FILE: download URL to FILE. Returns 0, or 4 when the server
# says it is not there (404), or fails the install on any other error.
fetch() {
	status=$(curl -sSL --proto "$proto" --proto-redir "$proto" --retry 2 -o "$2" -w '%{http_code}' "$1") ||
		fail 1 "downloading $1 failed"
	case $status in
	200) return 0 ;;
	404) return 4 ;;
	*) fail 1 "downloading $1 failed: HTTP $status" ;;
	esac
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d ' ' -f 1
	elif command -v shasum >/dev/null 2>&1; then
		shasum -a 256 "$1" | cut -d ' ' -f 1
	elif command -v openssl >/dev/null 2>&1; then
		openssl dgst -sha256 "$1" | sed 's/.*= *//'
	else
		fail 1 "no sha256sum, shasum or openssl to check the download with"
	fi
}

missing() {
	fail 4 "$*; hint: install.sh --from-source builds it with the go command"
}

# Plain http only for a releases URL that is http to begin with (a mirror
# or a test on loopback); an https one never follows a redirect to http.
proto='=https'
case $releases in http://*) proto='=https,http' ;; esac

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t vigil)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

platform

if [ "$from_source" = 1 ]; then
	build_from_source
	exit 0
fi
command -v curl >/dev/null 2>&1 || fail 1 "downloading needs curl"

if [ "$version" = latest ]; then
	# The latest release's page is where $releases/latest redirects.
	found=$(curl -sSL --proto "$proto" --proto-redir "$proto" -o /dev/null -w '%{http_code} %{url_effective}' "$releases/latest") ||
		fail 1 "finding the latest release at $releases/latest failed"
	# A server error is not "no release": only a page that loaded says so.
	case $found in
	200\ *) url=${found#200 } ;;
	*) fail 1 "finding the latest release at $releases/latest failed: HTTP ${found%% *}" ;;
	esac
	case $url in
	*/tag/v*) version=${url##*/tag/} ;;
	*) missing "no vigil release yet at $releases" ;;
	esac
	printf '%s\n' "$version" | grep -Eq '^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$' ||
		fail 1 "the latest release's tag '$version' is not a version"
fi

archive=vigil_${version#v}_${os}_${arch}.$ext
base=$releases/download/$version
fetch "$base/checksums.txt" "$tmp/checksums.txt" || missing "no release $version at $releases"
fetch "$base/$archive" "$tmp/$archive" || {
	grep -q " $archive\$" "$tmp/checksums.txt" &&
		fail 1 "release $version lists $archive but it is not there to download"
	fail 1 "release $version has no archive for $os/$arch ($archive)"
}

want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/checksums.txt")
[ -n "$want" ] || fail 1 "checksums.txt of $version has no line for $archive: not installed"
got=$(sha256 "$tmp/$archive")
[ "$got" = "$want" ] ||
	fail 1 "checksum mismatch for $archive: checksums.txt says $want, the download is $got: not installed"

mkdir "$tmp/x"
case $ext in
tar.gz) tar -xzf "$tmp/$archive" -C "$tmp/x" "$exe" ;;
zip)
	if command -v unzip >/dev/null 2>&1; then
		unzip -q -o "$tmp/$archive" "$exe" -d "$tmp/x"
	else
		powershell -NoProfile -Command "Expand-Archive -LiteralPath '$tmp/$archive' -DestinationPath '$tmp/x'"
	fi
	;;
esac || fail 1 "$archive has no $exe in it"
if [ ! -f "$tmp/x/$exe" ] || [ -L "$tmp/x/$exe" ]; then
	fail 1 "$archive has no regular file $exe in it"
fi

place "$tmp/x/$exe"
say "installed vigil $version ($os/$arch) at $dir/$exe"
case :$PATH: in
*:"$dir":*) ;;
*) say "$dir is not on PATH: add it, or run $dir/$exe" ;;
esac
