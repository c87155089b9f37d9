/*
 * openssl_anchor.c: the peer a C user would pick: OpenSSL's HMAC_CTX (libcrypto). Keys it, signs one query, frees
 * it, wipes its own copy of the secret, then waits to be scanned, with the same protocol as residue.c.
 * Usage: openssl_anchor PATH STORAGE (only sign and control are meaningful).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

int main(int argc, char **argv) {
    int control = argc > 1 && !strcmp(argv[1], "control");
    char header[64] = {0}, secret[512];
    size_t n = 0, len;
    while (n + 1 < sizeof header && read(0, header + n, 1) == 1 && header[n] != '\n') n++;
    char format[16];
    if (sscanf(header, "%15s %zu", format, &len) != 2 || len > sizeof secret) return 2;
    for (size_t got = 0; got < len;) {
        ssize_t r = read(0, secret + got, len - got);
        if (r <= 0) return 2;
        got += (size_t)r;
    }
    static const char query[] = "customerName=Acme%20Sons&modifiedSince=2024-01-01T00:00:00";
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC_CTX *ctx = HMAC_CTX_new();
    if (!ctx || !HMAC_Init_ex(ctx, secret, (int)len, EVP_sha256(), NULL) ||
        !HMAC_Update(ctx, (const unsigned char *)query, strlen(query)) || !HMAC_Final(ctx, mac, &mac_len)) {
        return 2;
    }
    if (!control) HMAC_CTX_free(ctx);
    volatile unsigned char *v = (volatile unsigned char *)secret;
    for (size_t i = 0; i < sizeof secret; i++) v[i] = 0;
    if (write(1, "ready\n", 6) != 6) return 2;
    char go;
    return read(0, &go, 1) < 0 ? 2 : 0;
}
