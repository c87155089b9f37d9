/*
 * Register hygiene under the Windows x64 calling convention, checked on every export (run under Wine by
 * .ci/steps/33-windows.sh, against the DLL and the static library).
 *
 * `probe_call` (assembly below) loads a known pattern into every vector register the CPU has (xmm0-xmm15, ymm
 * with AVX, zmm0-zmm31 with AVX-512), calls an export with up to ten integer or pointer arguments, and stores the
 * registers as the export left them. Then, for each export:
 *   - the low 128 bits of xmm6-xmm15 must hold the pattern again: they are callee-saved on Windows x64, so the
 *     library may use them only if it restores the caller's values (a bare `vzeroall` would zero them);
 *   - for every export that goes through the library's boundary (all but the three constant getters), the
 *     volatile state must be zero: xmm0-xmm5 whole, the upper halves of ymm0-ymm15 (zmm0-zmm15), zmm16-zmm31. That
 *     is where a key-derived value would otherwise outlive the call.
 * Each export's result is checked too, so a call that failed early cannot pass for one that did the work.
 *
 * usage: registers      (prints the register width it used and "registers: N passed, M failed")
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unleashed_signer.h"

#if !defined(_WIN64) || !defined(__x86_64__)
#error "this test is for Windows x64 (x86_64-w64-mingw32-gcc)"
#endif

#define REGS 32
#define SLOT 64 /* bytes per register in the fill and result arrays: a zmm register */
#define MAX_ARGS 10

/* Any export, called through probe_call with its arguments as 64-bit integers. */
typedef void (*export_fn)(void);

/* uint64_t probe_call(const void *fn, const uint64_t args[MAX_ARGS], const unsigned char fill[REGS * SLOT],
 *                     unsigned char after[REGS * SLOT], int width)    width: 16 (SSE), 32 (AVX) or 64 (AVX-512)
 * It keeps the convention itself: its own caller's rbx, r12-r15 and xmm6-xmm15 are saved and restored. */
uint64_t probe_call(export_fn fn, const uint64_t *args, const unsigned char *fill, unsigned char *after, int width);
__asm__(
    ".text\n"
    ".globl probe_call\n"
    ".def probe_call; .scl 2; .type 32; .endef\n"
    ".intel_syntax noprefix\n"
    "probe_call:\n"
    "    push rbp\n"
    "    mov rbp, rsp\n"
    "    push rbx\n"
    "    push r12\n"
    "    push r13\n"
    "    push r14\n"
    "    push r15\n"
    "    sub rsp, 168\n" /* own xmm6-xmm15, and 16-byte alignment */
    "    .irp i, 6,7,8,9,10,11,12,13,14,15\n"
    "    movdqu [rsp + (\\i - 6) * 16], xmm\\i\n"
    "    .endr\n"
    "    mov r12, rcx\n"
    "    mov r13, rdx\n"
    "    mov r14, r8\n"
    "    mov r15, r9\n"
    "    mov ebx, dword ptr [rbp + 48]\n"  /* fifth argument: above the return address and the shadow space */
    "    sub rsp, 80\n"                    /* shadow space (32) and six stack arguments (48) */
    "    .irp k, 4,5,6,7,8,9\n"
    "    mov rax, [r13 + \\k * 8]\n"
    "    mov [rsp + 32 + (\\k - 4) * 8], rax\n"
    "    .endr\n"
    "    cmp ebx, 64\n"
    "    je 3f\n"
    "    cmp ebx, 32\n"
    "    je 2f\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "    movdqu xmm\\i, [r14 + \\i * 64]\n"
    "    .endr\n"
    "    jmp 4f\n"
    "2:\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "    vmovdqu ymm\\i, [r14 + \\i * 64]\n"
    "    .endr\n"
    "    jmp 4f\n"
    "3:\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "    vmovdqu64 zmm\\i, [r14 + \\i * 64]\n"
    "    .endr\n"
    "4:\n"
    "    mov rcx, [r13]\n"
    "    mov rdx, [r13 + 8]\n"
    "    mov r8, [r13 + 16]\n"
    "    mov r9, [r13 + 24]\n"
    "    call r12\n"
    "    cmp ebx, 64\n"
    "    je 3f\n"
    "    cmp ebx, 32\n"
    "    je 2f\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "    movdqu [r15 + \\i * 64], xmm\\i\n"
    "    .endr\n"
    "    jmp 4f\n"
    "2:\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "    vmovdqu [r15 + \\i * 64], ymm\\i\n"
    "    .endr\n"
    "    jmp 4f\n"
    "3:\n"
    "    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "    vmovdqu64 [r15 + \\i * 64], zmm\\i\n"
    "    .endr\n"
    "4:\n"
    "    add rsp, 80\n"
    "    .irp i, 6,7,8,9,10,11,12,13,14,15\n"
    "    movdqu xmm\\i, [rsp + (\\i - 6) * 16]\n"
    "    .endr\n"
    "    add rsp, 168\n"
    "    pop r15\n"
    "    pop r14\n"
    "    pop r13\n"
    "    pop r12\n"
    "    pop rbx\n"
    "    pop rbp\n"
    "    ret\n"
    ".att_syntax prefix\n");

static int passed, failed;

static void check(int ok, const char *export_name, const char *what, int reg) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "%s: %s (register %d)\n", export_name, what, reg);
    }
}

static int all_zero(const unsigned char *bytes, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (bytes[i] != 0) return 0;
    }
    return 1;
}

static unsigned char fill[REGS * SLOT], after[REGS * SLOT];
static int width;

/* Calls `fn` with `args` through probe_call and checks the registers; returns the export's return value (rax). */
static uint64_t probe_args(const char *name, export_fn fn, int goes_through_boundary, const uint64_t *args) {
    uint64_t result;
    int reg;
    memset(after, 0xEE, sizeof after);
    result = probe_call(fn, args, fill, after, width);
    for (reg = 6; reg <= 15; reg++) {
        check(memcmp(after + reg * SLOT, fill + reg * SLOT, 16) == 0, name, "callee-saved xmm not restored", reg);
    }
    if (goes_through_boundary) {
        for (reg = 0; reg <= 5; reg++) {
            check(all_zero(after + reg * SLOT, (size_t)width), name, "volatile register not cleared", reg);
        }
        if (width > 16) {
            for (reg = 6; reg <= 15; reg++) {
                check(all_zero(after + reg * SLOT + 16, (size_t)width - 16), name, "upper half not cleared", reg);
            }
        }
        if (width == 64) {
            for (reg = 16; reg < REGS; reg++) {
                check(all_zero(after + reg * SLOT, SLOT), name, "zmm16-zmm31 not cleared", reg);
            }
        }
    }
    return result;
}

/* probe_args for exports of up to nine arguments. */
static uint64_t probe(const char *name, export_fn fn, int goes_through_boundary, uint64_t a0, uint64_t a1,
                      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8) {
    uint64_t args[MAX_ARGS];
    args[0] = a0, args[1] = a1, args[2] = a2, args[3] = a3, args[4] = a4;
    args[5] = a5, args[6] = a6, args[7] = a7, args[8] = a8, args[9] = 0;
    return probe_args(name, fn, goes_through_boundary, args);
}

#define P(x) ((uint64_t)(uintptr_t)(x))
#define STATUS(x) ((unleashed_status)(uint32_t)(x))

static const char KEY[] = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
static const char QUERY[] = "customerCode=ACME&modifiedSince=2024-01-01T00:00:00";
static const char URL[] = "https://api.unleashedsoftware.com/Customers/2?customerCode=ACME";

int main(void) {
    unleashed_key key;
    unleashed_query query;
    unleashed_param params[2];
    char expected[UNLEASHED_SIGNATURE_BUFFER_LEN], out[UNLEASHED_SIGNATURE_BUFFER_LEN], url_sig[64];
    char qbuf[256], qout[256];
    size_t needed = 0;
    int reg, byte;
    const char *text;

    for (reg = 0; reg < REGS; reg++) {
        for (byte = 0; byte < SLOT; byte++) fill[reg * SLOT + byte] = (unsigned char)(0x80 | ((reg * 5 + byte) & 0x7f));
    }
    __builtin_cpu_init();
    width = __builtin_cpu_supports("avx512f") ? 64 : __builtin_cpu_supports("avx") ? 32 : 16;
    printf("registers: width %d bytes (%s)\n", width, width == 64 ? "AVX-512" : width == 32 ? "AVX" : "SSE");

    memset(&key, 0, sizeof key);
    check(STATUS(probe("unleashed_key_init", (export_fn)unleashed_key_init, 1, P(&key), P(KEY), strlen(KEY),
                       UNLEASHED_KEY_FORMAT_TEXT, 0, 0, 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_key_init", "status", -1);
    /* The expected signatures, from plain calls. */
    if (unleashed_sign(&key, QUERY, strlen(QUERY), expected, sizeof expected) != UNLEASHED_OK ||
        unleashed_sign_url(&key, URL, strlen(URL), UNLEASHED_SIGNED_FORM_DECODED, url_sig, sizeof url_sig) !=
            UNLEASHED_OK) {
        fprintf(stderr, "plain calls failed\n");
        return 1;
    }

    memset(out, 0, sizeof out);
    check(STATUS(probe("unleashed_sign", (export_fn)unleashed_sign, 1, P(&key), P(QUERY), strlen(QUERY), P(out),
                       sizeof out, 0, 0, 0, 0)) == UNLEASHED_OK && strcmp(out, expected) == 0,
          "unleashed_sign", "result", -1);
    memset(out, 0, sizeof out);
    check(STATUS(probe("unleashed_sign_query", (export_fn)unleashed_sign_query, 1, P(&key), P(QUERY),
                       strlen(QUERY), UNLEASHED_SIGNED_FORM_DECODED, P(out), sizeof out, 0, 0, 0)) == UNLEASHED_OK &&
              strcmp(out, expected) == 0,
          "unleashed_sign_query", "result", -1);
    memset(out, 0, sizeof out);
    check(STATUS(probe("unleashed_sign_url", (export_fn)unleashed_sign_url, 1, P(&key), P(URL), strlen(URL),
                       UNLEASHED_SIGNED_FORM_DECODED, P(out), sizeof out, 0, 0, 0)) == UNLEASHED_OK &&
              strcmp(out, url_sig) == 0,
          "unleashed_sign_url", "result", -1);
    check(STATUS(probe("unleashed_verify", (export_fn)unleashed_verify, 1, P(&key), P(QUERY), strlen(QUERY),
                       P(expected), UNLEASHED_SIGNATURE_LEN, 0, 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_verify", "status", -1);
    check(STATUS(probe("unleashed_verify (mismatch)", (export_fn)unleashed_verify, 1, P(&key), P(URL),
                       strlen(URL), P(expected), UNLEASHED_SIGNATURE_LEN, 0, 0, 0, 0)) ==
              UNLEASHED_SIGNATURE_MISMATCH,
          "unleashed_verify (mismatch)", "status", -1);
    check(STATUS(probe("unleashed_verify_url", (export_fn)unleashed_verify_url, 1, P(&key), P(URL), strlen(URL),
                       UNLEASHED_SIGNED_FORM_DECODED, P(url_sig), UNLEASHED_SIGNATURE_LEN, 0, 0, 0)) ==
              UNLEASHED_OK,
          "unleashed_verify_url", "status", -1);
    check(STATUS(probe("unleashed_sign (NULL out)", (export_fn)unleashed_sign, 1, P(&key), P(QUERY),
                       strlen(QUERY), 0, sizeof out, 0, 0, 0, 0)) == UNLEASHED_NULL_POINTER,
          "unleashed_sign (NULL out)", "status", -1);

    params[0].name = "customerCode", params[0].name_len = 12, params[0].value = "ACME", params[0].value_len = 4;
    params[1].name = "modifiedSince", params[1].name_len = 13;
    params[1].value = "2024-01-01T00:00:00", params[1].value_len = 19;
    memset(out, 0, sizeof out);
    check(STATUS(probe("unleashed_build_query", (export_fn)unleashed_build_query, 1, P(&key), P(params), 2,
                       UNLEASHED_SIGNED_FORM_DECODED, P(qout), sizeof qout, P(&needed), P(out), sizeof out)) ==
                  UNLEASHED_OK &&
              strcmp(qout, QUERY) == 0 && needed == strlen(QUERY) + 1 && strcmp(out, expected) == 0,
          "unleashed_build_query", "result", -1);

    check(STATUS(probe("unleashed_query_init", (export_fn)unleashed_query_init, 1, P(&query), P(qbuf),
                       sizeof qbuf, 0, 0, 0, 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_query_init", "status", -1);
    check(STATUS(probe("unleashed_query_push", (export_fn)unleashed_query_push, 1, P(&query), P("customerCode"),
                       12, P("ACME"), 4, P(&needed), 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_query_push", "status", -1);
    check(STATUS(probe("unleashed_query_push", (export_fn)unleashed_query_push, 1, P(&query), P("modifiedSince"),
                       13, P("2024-01-01T00:00:00"), 19, P(&needed), 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_query_push", "status", -1);
    text = (const char *)(uintptr_t)probe("unleashed_query_str", (export_fn)unleashed_query_str, 1, P(&query), 0,
                                          0, 0, 0, 0, 0, 0, 0);
    check(text != NULL && strcmp(text, QUERY) == 0, "unleashed_query_str", "result", -1);
    check(probe("unleashed_query_len", (export_fn)unleashed_query_len, 1, P(&query), 0, 0, 0, 0, 0, 0, 0, 0) ==
              strlen(QUERY),
          "unleashed_query_len", "result", -1);
    memset(out, 0, sizeof out);
    check(STATUS(probe("unleashed_query_sign", (export_fn)unleashed_query_sign, 1, P(&query), P(&key),
                       UNLEASHED_SIGNED_FORM_DECODED, P(out), sizeof out, 0, 0, 0, 0)) == UNLEASHED_OK &&
              strcmp(out, expected) == 0,
          "unleashed_query_sign", "result", -1);

    {
        static const char id[] = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", client[] = "acme/orderautomation";
        unleashed_headers headers;
        uint64_t args[MAX_ARGS];
        memset(&headers, 0, sizeof headers);
        args[0] = P(&key), args[1] = P(id), args[2] = strlen(id), args[3] = P(client), args[4] = strlen(client);
        args[5] = P(URL), args[6] = strlen(URL), args[7] = UNLEASHED_SIGNED_FORM_DECODED, args[8] = P(&headers);
        args[9] = sizeof headers;
        check(STATUS(probe_args("unleashed_headers_for_url", (export_fn)unleashed_headers_for_url, 1, args)) ==
                      UNLEASHED_OK &&
                  strcmp(headers.signature, url_sig) == 0 && strcmp(headers.api_id, id) == 0 &&
                  strcmp(headers.client_type, client) == 0,
              "unleashed_headers_for_url", "result", -1);
    }
    check(STATUS(probe("unleashed_api_id_validate", (export_fn)unleashed_api_id_validate, 1,
                       P("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"), 36, 0, 0, 0, 0, 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_api_id_validate", "status", -1);
    check(STATUS(probe("unleashed_client_type_validate", (export_fn)unleashed_client_type_validate, 1,
                       P("acme/orderautomation"), 20, 0, 0, 0, 0, 0, 0, 0)) == UNLEASHED_OK,
          "unleashed_client_type_validate", "status", -1);
    text = (const char *)(uintptr_t)probe("unleashed_status_str", (export_fn)unleashed_status_str, 1,
                                          UNLEASHED_OK, 0, 0, 0, 0, 0, 0, 0, 0);
    check(text != NULL && strcmp(text, "success") == 0, "unleashed_status_str", "result", -1);

    /* The constant getters do not go through the boundary: only the callee-saved registers are checked. */
    text = (const char *)(uintptr_t)probe("unleashed_version", (export_fn)unleashed_version, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0);
    check(text != NULL && strcmp(text, UNLEASHED_VERSION) == 0, "unleashed_version", "result", -1);
    check(probe("unleashed_key_size", (export_fn)unleashed_key_size, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) ==
              sizeof(unleashed_key),
          "unleashed_key_size", "result", -1);
    check(probe("unleashed_query_size", (export_fn)unleashed_query_size, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) ==
              sizeof(unleashed_query),
          "unleashed_query_size", "result", -1);

    probe("unleashed_key_clear", (export_fn)unleashed_key_clear, 1, P(&key), 0, 0, 0, 0, 0, 0, 0, 0);
    check(all_zero((const unsigned char *)&key, sizeof key), "unleashed_key_clear", "result", -1);

    printf("registers: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
