/*
 * For Wine older than 8.13 only (Debian 12 has 8.0), which has no bcryptprimitives.dll: Rust's std imports
 * ProcessPrng from it (Windows 10 and later have it), so no Rust program, this library included, starts there.
 * .ci/steps/33-windows.sh builds this stand-in into the temporary Wine prefix when Wine lacks the DLL. It is never
 * shipped: on Windows the system's DLL is used.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
