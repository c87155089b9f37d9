#!/usr/bin/env bash
# Installs the C library: include/unleashed_signer.h and the C++17 wrapper unleashed.hpp, libunleashed_signer.a,
# libunleashed_signer.so (with its soname links) and two pkg-config files. Afterwards a C program builds with
#
#     cc app.c $(pkg-config --cflags --libs unleashed-signer)           # linked with the shared library
#     cc app.c $(pkg-config --cflags --libs unleashed-signer-static)    # the static library, nothing to ship
#
# (set PKG_CONFIG_PATH=PREFIX/lib/pkgconfig if PREFIX is not one pkg-config searches, and LD_LIBRARY_PATH or an
# rpath to run a program linked with the shared library from a PREFIX the dynamic loader does not search).
#
# usage: scripts/install.sh [--prefix DIR] [--libdir DIR] [--destdir DIR] [--artifacts DIR]
#   --prefix     where to install (default /usr/local)
#   --libdir     where the libraries go (default PREFIX/lib)
#   --destdir    staging root prepended to every path, for packaging (the .pc file still names PREFIX)
#   --artifacts  install already-built libunleashed_signer_ffi.{a,so} from DIR (e.g. target/release) instead of
#                running `cargo build --release -p unleashed-signer-ffi`
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
libdir=
destdir=
artifacts=
while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix) prefix=$2; shift 2 ;;
        --libdir) libdir=$2; shift 2 ;;
        --destdir) destdir=$2; shift 2 ;;
        --artifacts) artifacts=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
libdir=${libdir:-$prefix/lib}
includedir=$prefix/include

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
if [[ ! $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]]; then
    echo "install.sh: cannot read the workspace version from $repo/Cargo.toml" >&2
    exit 1
fi
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
# The soname ffi/build.rs gives the library: 0.y versions break at each minor release, x.y.z at each major one.
if [[ $major == 0 ]]; then soname=libunleashed_signer.so.0.$minor; else soname=libunleashed_signer.so.$major; fi

# What a program linking the static library also needs: rustc reports it (`--print native-static-libs`).
case $(uname -s) in
    Linux) libs_private="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" ;;
    Darwin) libs_private="-framework CoreFoundation -lSystem -lc -lm" ;;
    *) libs_private="-lpthread -lm" ;;
esac
if [[ -z $artifacts ]]; then
    build_log=$(cd "$repo" && cargo rustc --release -p unleashed-signer-ffi --lib --crate-type staticlib \
        --crate-type cdylib -- --print native-static-libs 2>&1) || { echo "$build_log" >&2; exit 1; }
    reported=$(sed -n 's/.*native-static-libs: //p' <<<"$build_log" | tail -n 1)
    libs_private=${reported:-$libs_private}
    artifacts="${CARGO_TARGET_DIR:-$repo/target}/release"
fi
for file in libunleashed_signer_ffi.a libunleashed_signer_ffi.so; do
    if [[ ! -f $artifacts/$file ]]; then
        echo "install.sh: $artifacts/$file is missing" >&2
        exit 1
    fi
done

install -d "$destdir$includedir" "$destdir$libdir/pkgconfig"
install -m 644 "$repo/include/unleashed_signer.h" "$destdir$includedir/unleashed_signer.h"
install -m 644 "$repo/examples/cpp/unleashed.hpp" "$destdir$includedir/unleashed.hpp"
install -m 644 "$artifacts/libunleashed_signer_ffi.a" "$destdir$libdir/libunleashed_signer.a"
install -m 755 "$artifacts/libunleashed_signer_ffi.so" "$destdir$libdir/libunleashed_signer.so.$version"
ln -sfn "libunleashed_signer.so.$version" "$destdir$libdir/$soname"
ln -sfn "$soname" "$destdir$libdir/libunleashed_signer.so"
pc_file() { # name which libs libs_private
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@INCLUDEDIR@|$includedir|g" \
        -e "s|@VERSION@|$version|g" -e "s|@NAME@|$1|g" -e "s|@WHICH@|$2|g" -e "s|@LIBS@|$3|g" \
        -e "s|@LIBS_PRIVATE@|$4|g" "$repo/ffi/unleashed-signer.pc.in" >"$destdir$libdir/pkgconfig/$1.pc"
    chmod 644 "$destdir$libdir/pkgconfig/$1.pc"
}
pc_file unleashed-signer "" '-L${libdir} -lunleashed_signer' "$libs_private"
pc_file unleashed-signer-static " (static library)" "\${libdir}/libunleashed_signer.a $libs_private" ""

echo "installed unleashed-signer $version into $destdir$prefix:"
echo "  $includedir/unleashed_signer.h"
echo "  $libdir/libunleashed_signer.a, libunleashed_signer.so -> $soname -> libunleashed_signer.so.$version"
echo "  $libdir/pkgconfig/unleashed-signer.pc, unleashed-signer-static.pc"
