/*
 * residue.c: runs one path of the C ABI with a key read from stdin, clears the key, wipes its own copy of the
 * secret, then says "ready" and waits, so that residue/scan.py can read this process's memory and count what is
 * left of the key. The scanner, not this program, knows what to look for: no needle is ever in this process.
 *
 * Usage: residue PATH STORAGE [--no-wait]     (Linux, and Windows under Wine: residue/scan_wine.py)
 *   PATH:    init-clear | sign | sign-query | sign-url | verify | verify-url | query-sign | build-query | headers |
 *            control
 *            (control: sign and do not clear, so the scanner must find the live key)
 *   STORAGE: static | stack | heap (heap storage comes from malloc and is never zeroed before init)
 * stdin:  "FORMAT LEN\n" (FORMAT: text | base64), then LEN bytes of secret; later, any byte to exit.
 * stdout: "ready\n" once the path is done and the key cleared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

#include <unleashed_signer.h>

static unleashed_key static_key;

static void die(const char *what, unleashed_status status) {
    fprintf(stderr, "residue: %s: %s\n", what, unleashed_status_str(status));
    exit(2);
}

static void check(const char *what, unleashed_status status) {
    if (status != UNLEASHED_OK) die(what, status);
}

static size_t read_full(char *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(0, buf + got, len - got);
        if (n <= 0) break;
        got += (size_t)n;
    }
    return got;
}

/* Wipes the program's own copy of the secret: the caller's copy is the caller's to wipe. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *v = p;
    while (n--) *v++ = 0;
}

static void run(const char *path, unleashed_key *key, const char *secret, size_t secret_len, uint32_t format) {
    static const char query[] = "customerName=Acme%20Sons&modifiedSince=2024-01-01T00:00:00";
    static const char url[] = "https://api.unleashedsoftware.com/Customers?customerName=Acme%20Sons";
    char sig[UNLEASHED_SIGNATURE_BUFFER_LEN];
    check("init", unleashed_key_init(key, secret, secret_len, format));
    if (!strcmp(path, "init-clear")) {
    } else if (!strcmp(path, "sign") || !strcmp(path, "control")) {
        check("sign", unleashed_sign(key, query, strlen(query), sig, sizeof sig));
    } else if (!strcmp(path, "sign-query")) {
        check("sign_query", unleashed_sign_query(key, query, strlen(query), UNLEASHED_SIGNED_FORM_DECODED, sig,
                                                 sizeof sig));
    } else if (!strcmp(path, "sign-url")) {
        check("sign_url", unleashed_sign_url(key, url, strlen(url), UNLEASHED_SIGNED_FORM_DECODED, sig, sizeof sig));
    } else if (!strcmp(path, "verify")) {
        check("sign", unleashed_sign(key, query, strlen(query), sig, sizeof sig));
        check("verify", unleashed_verify(key, query, strlen(query), sig, UNLEASHED_SIGNATURE_LEN));
    } else if (!strcmp(path, "verify-url")) {
        check("sign_url", unleashed_sign_url(key, url, strlen(url), UNLEASHED_SIGNED_FORM_DECODED, sig, sizeof sig));
        check("verify_url", unleashed_verify_url(key, url, strlen(url), UNLEASHED_SIGNED_FORM_DECODED, sig,
                                                 UNLEASHED_SIGNATURE_LEN));
    } else if (!strcmp(path, "query-sign")) {
        unleashed_query q;
        char buf[128];
        check("query_init", unleashed_query_init(&q, buf, sizeof buf));
        check("query_push", unleashed_query_push(&q, "customerName", 12, "Acme Sons", 9, NULL));
        check("query_push", unleashed_query_push(&q, "startDate", 9, "2024-01-01", 10, NULL));
        check("query_sign", unleashed_query_sign(&q, key, UNLEASHED_SIGNED_FORM_DECODED, sig, sizeof sig));
    } else if (!strcmp(path, "build-query")) {
        unleashed_param params[] = {{"customerName", 12, "Acme Sons", 9}, {"startDate", 9, "2024-01-01", 10}};
        char buf[128];
        size_t needed;
        check("build_query", unleashed_build_query(key, params, 2, UNLEASHED_SIGNED_FORM_DECODED, buf, sizeof buf,
                                                   &needed, sig, sizeof sig));
    } else if (!strcmp(path, "headers")) {
        static const char api_id[] = "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
        static const char client_type[] = "acme/orderautomation";
        unleashed_headers headers;
        check("headers_for_url", unleashed_headers_for_url(key, api_id, strlen(api_id), client_type,
                                                           strlen(client_type), url, strlen(url),
                                                           UNLEASHED_SIGNED_FORM_DECODED, &headers, sizeof headers));
    } else {
        fprintf(stderr, "residue: unknown path %s\n", path);
        exit(2);
    }
    if (strcmp(path, "control") != 0) unleashed_key_clear(key);
}

/* The stack storage lives in this frame, below main's: dead once it returns, as a caller's local key would be. */
static void run_on_stack(const char *path, const char *secret, size_t secret_len, uint32_t format) {
    unleashed_key key; /* deliberately not zeroed: init must only write it */
    run(path, &key, secret, secret_len, format);
    if (!strcmp(path, "control")) {
        /* Keep the live key reachable and the frame from being reused before the scan. */
        static unleashed_key *volatile keep;
        keep = malloc(sizeof key);
        memcpy(keep, &key, sizeof key);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: residue PATH static|stack|heap [--no-wait]\n");
        return 2;
    }
    const char *path = argv[1], *where = argv[2];
    int wait = !(argc > 3 && !strcmp(argv[3], "--no-wait"));
#ifdef _WIN32
    /* Windows' C runtime reads and writes in text mode (CRLF, ^Z): the secret and "ready\n" must pass unchanged. */
    _setmode(0, _O_BINARY);
    _setmode(1, _O_BINARY);
#endif
    char header[64] = {0}, secret[512];
    size_t n = 0;
    while (n + 1 < sizeof header && read(0, header + n, 1) == 1 && header[n] != '\n') n++;
    char format_name[16];
    size_t secret_len;
    if (sscanf(header, "%15s %zu", format_name, &secret_len) != 2 || secret_len > sizeof secret) {
        fprintf(stderr, "residue: bad stdin header\n");
        return 2;
    }
    uint32_t format = !strcmp(format_name, "base64") ? UNLEASHED_KEY_FORMAT_BASE64 : UNLEASHED_KEY_FORMAT_TEXT;
    if (read_full(secret, secret_len) != secret_len) {
        fprintf(stderr, "residue: short secret\n");
        return 2;
    }

    if (!strcmp(where, "static")) {
        run(path, &static_key, secret, secret_len, format);
    } else if (!strcmp(where, "stack")) {
        run_on_stack(path, secret, secret_len, format);
    } else if (!strcmp(where, "heap")) {
        unleashed_key *key = malloc(sizeof *key);
        if (!key) return 2;
        run(path, key, secret, secret_len, format);
        if (strcmp(path, "control") != 0) free(key);
    } else {
        fprintf(stderr, "residue: unknown storage %s\n", where);
        return 2;
    }
    wipe(secret, sizeof secret);

    if (!wait) return 0;
    if (write(1, "ready\n", 6) != 6) return 2;
    char go;
    return read(0, &go, 1) < 0 ? 2 : 0;
}
