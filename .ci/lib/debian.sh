#!/usr/bin/env bash
# Shared by the CI steps (source it): installing Debian packages once, and Debian's own Rust toolchain for the
# cross targets.
#
#   apt_need PACKAGE...      installs the packages not yet installed (one `apt-get update` per run, waiting for
#                            the dpkg lock rather than failing on it)
#   debian_rust [EXTRA...]   installs Debian's rustc-web/cargo-web 1.96 (plus EXTRA packages, e.g. rust-web-src for
#                            -Zbuild-std, libstd-rust-web-dev:arm64 for aarch64) and exports DEB_CARGO, RUSTC and
#                            RUSTDOC so that `"$DEB_CARGO" build ...` uses Debian's compiler: rustup's cargo comes
#                            first on PATH, and the cross targets' std exists only for Debian's compiler.
#   deb_unpack DIR PACKAGE...
#                            unpacks packages that cannot be installed beside this machine's own (another
#                            architecture's programs: python3.11-minimal:arm64, nodejs:arm64, php8.2-cli:arm64, Mono)
#                            into DIR, with `apt-get download` and `dpkg-deb -x`, once: DIR/.packages records each
#                            package's version, and a later call that would fetch the same versions keeps DIR.
#                            PACKAGE may be `name:arch=version`. The libraries they load are "Multi-Arch: same"
#                            packages: install those with apt_need.

apt_need() {
    local missing=() package
    for package in "$@"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    ((${#missing[@]})) || return 0
    echo "-- installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [[ -z "${UNLEASHED_CI_APT_UPDATED:-}" ]]; then
        apt-get -o DPkg::Lock::Timeout=900 update -qq
        export UNLEASHED_CI_APT_UPDATED=1
    fi
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The version Debian's toolchain must have: the wasm module's bytes depend on it (scripts/build-wasm.sh).
DEB_RUST_VERSION=1.96

debian_rust() {
    local package
    for package in "$@"; do
        if [[ "$package" == *:arm64 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
            dpkg --add-architecture arm64
            unset UNLEASHED_CI_APT_UPDATED
        fi
    done
    apt_need rustc-web cargo-web "$@"
    export DEB_CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
    local version
    version=$("$RUSTC" --version)
    if [[ "$version" != "rustc $DEB_RUST_VERSION."* ]]; then
        echo "Debian's rustc is '$version', expected $DEB_RUST_VERSION.x" >&2
        return 1
    fi
}

deb_unpack() {
    local dir=$1
    shift
    local wanted fetched deb
    wanted=$(_deb_versions "$@")
    [[ -f $dir/.packages && "$(<"$dir/.packages")" == "$wanted" ]] && return 0
    fetched=$(mktemp -d)
    if ! _deb_download "$fetched" "$@"; then
        apt-get -o DPkg::Lock::Timeout=900 update -qq
        export UNLEASHED_CI_APT_UPDATED=1
        rm -f "$fetched"/*.deb
        if ! _deb_download "$fetched" "$@"; then
            echo "deb_unpack: apt-get download $* failed" >&2
            rm -rf "$fetched"
            return 1
        fi
        wanted=$(_deb_versions "$@")
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    for deb in "$fetched"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
    rm -rf "$fetched"
    # Written last: an unpacking cut short is not taken for a whole one next time.
    echo "$wanted" >"$dir/.packages"
}

# Each package with the version apt would fetch (the candidate, unless the argument names one).
_deb_versions() {
    local package
    for package in "$@"; do
        if [[ $package == *=* ]]; then
            echo "$package"
        else
            echo "$package=$(apt-cache policy "$package" | sed -n 's/^ *Candidate: //p')"
        fi
    done
}

# Downloads the packages into DIR (apt-get download writes to the current directory; as root it warns that it is
# unsandboxed); fails unless there is one .deb for each.
_deb_download() {
    local into=$1
    shift
    (cd "$into" && apt-get download -qq "$@" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
    (($(find "$into" -maxdepth 1 -name '*.deb' | wc -l) == $#))
}
