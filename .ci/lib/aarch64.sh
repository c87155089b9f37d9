#!/usr/bin/env bash
# Linux arm64 (aarch64-unknown-linux-gnu), shared by the CI steps and scripts/build-aarch64.sh (source it; it sources
# debian.sh):
#
#   aarch64_toolchain   installs Debian's Rust 1.96 with the arm64 std, the GNU cross C/C++ toolchain and qemu-user,
#                       then runs aarch64_env
#   aarch64_env         exports what cargo needs to build for aarch64 and run the result under qemu: DEB_CARGO,
#                       RUSTC and RUSTDOC (Debian's, the only toolchain here with the arm64 std), AARCH64_TARGET, and
#                       CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_{LINKER,RUNNER}. The runner is `qemu-aarch64 -L /`:
#                       `-L /usr/aarch64-linux-gnu` mixes two glibc builds and hangs any program that starts a thread.
#
# Debian packages: libstd-rust-web-dev:arm64 (after `dpkg --add-architecture arm64`, which also brings libc6:arm64
# for qemu to load), gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user.

source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

AARCH64_PACKAGES=(libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
    qemu-user)

aarch64_toolchain() {
    debian_rust "${AARCH64_PACKAGES[@]}"
    aarch64_env
}

aarch64_env() {
    export DEB_CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
    export AARCH64_TARGET=aarch64-unknown-linux-gnu
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /"
}
