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
# usage: scripts/install.sh [--prefix DIR] [--libdir DIR] [--destdir DIR] [--target TRIPLE] [--artifacts DIR]
#   --prefix     where to install (default /usr/local)
#   --libdir     where the libraries go (default PREFIX/lib)
#   --destdir    staging root prepended to every path, for packaging or a cross sysroot (the .pc files still name
#                PREFIX)
#   --target     the platform the libraries are for: x86_64-unknown-linux-gnu or aarch64-unknown-linux-gnu
#                (default: this machine). A cross target is built with scripts/build-aarch64.sh --release, and
#                the .pc files list that target's system libraries
#   --artifacts  install already-built libunleashed_signer_ffi.{a,so} from DIR (e.g. target/release, or the
#                directory scripts/build-aarch64.sh prints) instead of building them. Their ELF machine must be
#                the target's
#
# A cross prefix, for a cross compiler (the binding for Go cross-builds this way: bindings/go/arm64-test.sh):
#
#     scripts/install.sh --target aarch64-unknown-linux-gnu --prefix "$HOME/aarch64"
#     export PKG_CONFIG_LIBDIR="$HOME/aarch64/lib/pkgconfig"     # that prefix only, none of this machine's
#     aarch64-linux-gnu-gcc app.c $(pkg-config --cflags --libs unleashed-signer-static)
#
# Into a sysroot, with the paths the target will see (pkg-config prepends PKG_CONFIG_SYSROOT_DIR to them):
#
#     scripts/install.sh --target aarch64-unknown-linux-gnu --destdir "$SYSROOT" --prefix /usr/local
#     PKG_CONFIG_SYSROOT_DIR="$SYSROOT" PKG_CONFIG_LIBDIR="$SYSROOT/usr/local/lib/pkgconfig" pkg-config ...
#
# libdir and includedir are written relative to ${prefix}, so `pkg-config --define-prefix` also finds a prefix
# that was moved after installing. Cflags define UNLEASHED_SIGNER_LIB_X86_64 or UNLEASHED_SIGNER_LIB_AARCH64, the
# library's architecture, for a build to check against its own (the Go binding does).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
libdir=
destdir=
target=
artifacts=
while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix) prefix=$2; shift 2 ;;
        --libdir) libdir=$2; shift 2 ;;
        --destdir) destdir=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
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

# The platform: --target, or this machine's. Its libraries' ELF machine, checked below, and what a program linking
# the static library also needs (what rustc reports with `--print native-static-libs`; a native build asks it).
case $(uname -m)-$(uname -s) in
    x86_64-Linux) host_target=x86_64-unknown-linux-gnu ;;
    aarch64-Linux) host_target=aarch64-unknown-linux-gnu ;;
    *) host_target= ;;
esac
target=${target:-$host_target}
case $target in
    x86_64-unknown-linux-gnu) machine="Advanced Micro Devices X86-64" platform=linux-x64 arch=X86_64 ;;
    aarch64-unknown-linux-gnu) machine=AArch64 platform=linux-arm64 arch=AARCH64 ;;
    "") machine= platform= arch= ;; # a native build on another system (macOS, ...): not checked
    *) echo "install.sh: --target '$target' is not supported: x86_64-unknown-linux-gnu or aarch64-unknown-linux-gnu" >&2
       exit 2 ;;
esac
# How the static .pc names the library: on Linux by its file name in -L's directory (GNU ld, gold and lld: -l:FILE),
# so that the linker cannot take the shared one and pkg-config prefixes the directory with PKG_CONFIG_SYSROOT_DIR,
# as it does every -L and -I but no bare path. Elsewhere (macOS's linker has no -l:), by its path.
static_lib='${libdir}/libunleashed_signer.a'
case $target-$(uname -s) in
    *-linux-gnu-*|-Linux) libs_private="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
        static_lib='-L${libdir} -l:libunleashed_signer.a' ;;
    -Darwin) libs_private="-framework CoreFoundation -lSystem -lc -lm" ;;
    *) libs_private="-lpthread -lm" ;;
esac
if [[ -z $artifacts && $target != "$host_target" ]]; then
    if [[ $target != aarch64-unknown-linux-gnu || $host_target != x86_64-unknown-linux-gnu ]]; then
        echo "install.sh: cannot build for $target on this machine: build the libraries and pass --artifacts DIR" >&2
        exit 2
    fi
    # Debian's Rust toolchain with the arm64 std and the GNU cross linker (README, "Platforms").
    artifacts=$(bash "$repo/scripts/build-aarch64.sh" --release -p unleashed-signer-ffi | tail -n 1)
elif [[ -z $artifacts ]]; then
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
    # The shared library and every object of the static one must be for the target: a library for another
    # platform is refused rather than installed where a linker would reject it ("file in wrong format").
    if [[ -n $machine ]]; then
        found=$(readelf -h "$artifacts/$file" | sed -n 's/^ *Machine: *//p' | sort -u)
        if [[ $found != "$machine" ]]; then
            echo "install.sh: $artifacts/$file is not a $platform ($target) library: its ELF machine is" \
                "'${found//$'\n'/', '}', not '$machine'; pass the --target it was built for" >&2
            exit 1
        fi
    fi
done

install -d "$destdir$includedir" "$destdir$libdir/pkgconfig"
install -m 644 "$repo/include/unleashed_signer.h" "$destdir$includedir/unleashed_signer.h"
install -m 644 "$repo/examples/cpp/unleashed.hpp" "$destdir$includedir/unleashed.hpp"
install -m 644 "$artifacts/libunleashed_signer_ffi.a" "$destdir$libdir/libunleashed_signer.a"
install -m 755 "$artifacts/libunleashed_signer_ffi.so" "$destdir$libdir/libunleashed_signer.so.$version"
ln -sfn "libunleashed_signer.so.$version" "$destdir$libdir/$soname"
ln -sfn "$soname" "$destdir$libdir/libunleashed_signer.so"
# libdir and includedir relative to ${prefix} where they are under it, so that --define-prefix can move them.
relative() { # path
    if [[ $1 == "$prefix"/* ]]; then echo "\${prefix}/${1#"$prefix"/}"; else echo "$1"; fi
}
pc_file() { # name which libs libs_private
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$(relative "$libdir")|g" \
        -e "s|@INCLUDEDIR@|$(relative "$includedir")|g" \
        -e "s|@VERSION@|$version|g" -e "s|@NAME@|$1|g" -e "s|@WHICH@|$2|g" -e "s|@LIBS@|$3|g" \
        -e "s|@LIBS_PRIVATE@|$4|g" -e "s|@TARGET_CFLAGS@|${arch:+ -DUNLEASHED_SIGNER_LIB_$arch}|g" \
        "$repo/ffi/unleashed-signer.pc.in" >"$destdir$libdir/pkgconfig/$1.pc"
    chmod 644 "$destdir$libdir/pkgconfig/$1.pc"
}
pc_file unleashed-signer "" '-L${libdir} -lunleashed_signer' "$libs_private"
pc_file unleashed-signer-static " (static library)" "$static_lib $libs_private" ""

echo "installed unleashed-signer $version${target:+ for $target} into $destdir$prefix:"
echo "  $includedir/unleashed_signer.h"
echo "  $libdir/libunleashed_signer.a, libunleashed_signer.so -> $soname -> libunleashed_signer.so.$version"
echo "  $libdir/pkgconfig/unleashed-signer.pc, unleashed-signer-static.pc"
