// Preloaded (`node -r`) by arm64-test.sh into Debian's arm64 Node.js 18 running under qemu-user, the only arm64
// Node.js here. Two things, neither of which touches what is tested (the package and its arm64 Node-API glue):
//  - String.prototype.isWellFormed, which Node.js 20 has (the package's `engines`) and 18 lacks, with the same
//    meaning: false when the string holds a lone UTF-16 surrogate (encodeURIComponent throws then, and only then);
//  - process.execPath set to UNLEASHED_QEMU_NODE, the wrapper that runs this Node.js under qemu with this file
//    preloaded: there is no binfmt_misc here, so a child started with the real path (node --test starts one per
//    file, and some tests start node themselves) would fail to execute.
'use strict';

if (typeof String.prototype.isWellFormed !== 'function') {
    Object.defineProperty(String.prototype, 'isWellFormed', {
        configurable: true,
        writable: true,
        value: function isWellFormed() {
            try {
                encodeURIComponent(String(this));
                return true;
            } catch {
                return false;
            }
        },
    });
}
if (process.env.UNLEASHED_QEMU_NODE) process.execPath = process.env.UNLEASHED_QEMU_NODE;
