#!/usr/bin/env bash
# The core crate must build without std: no `extern crate std/alloc`, and it builds with default features off.
set -euo pipefail
if grep -rnE 'extern crate (std|alloc)' core/src; then
    echo "core/ must not link std or alloc" >&2
    exit 1
fi
cargo build -p unleashed-signer --no-default-features
