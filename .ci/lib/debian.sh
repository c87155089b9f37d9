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
