/*
 * Signs every case of testdata/vectors.txt (written by scripts/gen_vectors.py with Python's hmac) through the C API
 * and checks each result: signatures, wire queries, verification, and the exact buffer size the query builder asks
 * for. Plain C99: builds with -std=c99 -Wall -Wextra -Werror -pedantic.
 *
 *     cc -std=c99 -Iinclude examples/c/sign_vectors.c target/debug/libunleashed_signer_ffi.a -lpthread -ldl -lm \
 *        -o sign_vectors && ./sign_vectors testdata/vectors.txt
 *
 * Exit status 0 only if every case passed and at least one case was run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unleashed_signer.h"

#define MAX_FIELDS 7

static int failures;
static int checks;

static void fail(unsigned long line, const char *what, const char *detail) {
    failures++;
    fprintf(stderr, "line %lu: %s%s%s\n", line, what, detail ? ": " : "", detail ? detail : "");
}

/* Checks that a call returned `expected`, naming the call on failure. */
static int expect_status(unsigned long line, const char *call, unleashed_status got, unleashed_status expected) {
    checks++;
    if (got == expected) {
        return 1;
    }
    failures++;
    fprintf(stderr, "line %lu: %s returned %u (%s), expected %u\n", line, call, (unsigned)got, unleashed_status_str(got),
            (unsigned)expected);
    return 0;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes `len` hex characters in place (the output is never longer than the input). "-" is the empty string.
 * Returns the decoded length, or -1 for malformed hex. */
static long unhex(char *text, size_t len) {
    size_t i;
    if (len == 1 && text[0] == '-') return 0;
    if (len % 2 != 0) return -1;
    for (i = 0; i < len / 2; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        text[i] = (char)(hi * 16 + lo);
    }
    return (long)(len / 2);
}

/* Reads a whole file into a NUL-terminated heap buffer (C99 has no getline). */
static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    char *data = NULL;
    size_t used = 0, capacity = 0, got;
    if (!file) return NULL;
    do {
        if (capacity - used < 4096) {
            char *bigger = realloc(data, capacity + 65536);
            if (!bigger) {
                free(data);
                fclose(file);
                return NULL;
            }
            data = bigger;
            capacity += 65536;
        }
        got = fread(data + used, 1, capacity - used - 1, file);
        used += got;
    } while (got > 0);
    fclose(file);
    data[used] = '\0';
    return data;
}

static unleashed_key_format key_format(const char *name) {
    if (strcmp(name, "text") == 0) return UNLEASHED_KEY_FORMAT_TEXT;
    if (strcmp(name, "base64") == 0) return UNLEASHED_KEY_FORMAT_BASE64;
    if (strcmp(name, "raw") == 0) return UNLEASHED_KEY_FORMAT_RAW;
    return 99;
}

static int check_signature(unsigned long line, const char *what, const char *got, const char *expected) {
    checks++;
    if (strlen(got) == UNLEASHED_SIGNATURE_LEN && strcmp(got, expected) == 0) return 1;
    failures++;
    fprintf(stderr, "line %lu: %s gave %s, expected %s\n", line, what, got, expected);
    return 0;
}

/* Verifying must accept the expected signature and reject it with one character changed. */
static void check_verify(unsigned long line, const unleashed_key *key, const char *message, size_t message_len,
                         const char *signature) {
    char altered[UNLEASHED_SIGNATURE_LEN + 1];
    memcpy(altered, signature, sizeof altered);
    altered[7] = altered[7] == 'A' ? 'B' : 'A';
    expect_status(line, "unleashed_verify", unleashed_verify(key, message, message_len, signature, strlen(signature)),
                  UNLEASHED_OK);
    expect_status(line, "unleashed_verify (altered)",
                  unleashed_verify(key, message, message_len, altered, UNLEASHED_SIGNATURE_LEN),
                  UNLEASHED_SIGNATURE_MISMATCH);
}

/* Builds the query from "namehex:valuehex,..." (decoded in place) into a buffer of exactly the expected size. */
static void check_query(unsigned long line, const unleashed_key *key, unleashed_signed_form form, char *params,
                        const char *wire, size_t wire_len, const char *signature) {
    char *buf = malloc(wire_len + 1);
    char *tight = malloc(wire_len > 0 ? wire_len : 1);
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    unleashed_query query, short_query;
    size_t needed = 0, short_needed = 0;
    int short_overflowed = 0;
    char *pair = params;
    if (!buf || !tight) {
        fail(line, "out of memory", NULL);
        free(buf);
        free(tight);
        return;
    }
    /* A buffer one byte short of the query and its NUL must report exactly that size, and keep what fit. */
    if (!expect_status(line, "unleashed_query_init", unleashed_query_init(&query, buf, wire_len + 1), UNLEASHED_OK) ||
        !expect_status(line, "unleashed_query_init (short)",
                       unleashed_query_init(&short_query, tight, wire_len > 0 ? wire_len : 1), UNLEASHED_OK)) {
        free(buf);
        free(tight);
        return;
    }
    while (pair && *pair && strcmp(pair, "-") != 0) {
        char *next = strchr(pair, ',');
        char *colon = strchr(pair, ':');
        long name_len, value_len;
        unleashed_status status;
        if (next) *next++ = '\0';
        if (!colon) {
            fail(line, "malformed parameter", pair);
            break;
        }
        *colon = '\0';
        name_len = unhex(pair, strlen(pair));
        value_len = unhex(colon + 1, strlen(colon + 1));
        if (name_len < 0 || value_len < 0) {
            fail(line, "malformed parameter hex", NULL);
            break;
        }
        expect_status(line, "unleashed_query_push",
                      unleashed_query_push(&query, pair, (size_t)name_len, colon + 1, (size_t)value_len, &needed),
                      UNLEASHED_OK);
        if (!short_overflowed) {
            status = unleashed_query_push(&short_query, pair, (size_t)name_len, colon + 1, (size_t)value_len,
                                          &short_needed);
            if (status == UNLEASHED_BUFFER_TOO_SMALL) {
                short_overflowed = 1;
            } else {
                expect_status(line, "unleashed_query_push (short)", status, UNLEASHED_OK);
            }
        }
        pair = next;
    }
    checks++;
    if (unleashed_query_len(&query) != wire_len || memcmp(unleashed_query_str(&query), wire, wire_len) != 0 ||
        unleashed_query_str(&query)[wire_len] != '\0' || needed != (wire_len > 0 ? wire_len + 1 : 0)) {
        fail(line, "built query differs from the expected wire query", unleashed_query_str(&query));
    }
    if (wire_len > 0) {
        checks++;
        if (!short_overflowed || short_needed != wire_len + 1 ||
            strlen(unleashed_query_str(&short_query)) != unleashed_query_len(&short_query)) {
            fail(line, "a buffer one byte short did not report the exact size needed", NULL);
        }
    }
    if (expect_status(line, "unleashed_query_sign", unleashed_query_sign(&query, key, form, out, sizeof out),
                      UNLEASHED_OK)) {
        check_signature(line, "unleashed_query_sign", out, signature);
    }
    free(buf);
    free(tight);
}

/* The three header values for the same URL: the vector's signature, the API id lowercased, the client type. */
static void check_headers(unsigned long line, const unleashed_key *key, const char *url, size_t url_len,
                          unleashed_signed_form form, const char *signature) {
    static const char upper_id[] = "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
    unleashed_headers headers;
    if (expect_status(line, "unleashed_headers_for_url",
                      unleashed_headers_for_url(key, upper_id, UNLEASHED_API_ID_LEN, "acme/app", 8, url, url_len,
                                                form, &headers, sizeof headers),
                      UNLEASHED_OK)) {
        check_signature(line, "unleashed_headers_for_url", headers.signature, signature);
        checks++;
        if (strcmp(headers.api_id, "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d") != 0) {
            fail(line, "unleashed_headers_for_url: api_id not lowercased", headers.api_id);
        }
        checks++;
        if (strcmp(headers.client_type, "acme/app") != 0) {
            fail(line, "unleashed_headers_for_url: client_type", headers.client_type);
        }
    }
}

static void run_case(unsigned long line, char **field) {
    const char *kind = field[0], *signature = field[6];
    unleashed_signed_form form = strcmp(field[3], "wire") == 0 ? UNLEASHED_SIGNED_FORM_WIRE
                                                                : UNLEASHED_SIGNED_FORM_DECODED;
    long key_len = unhex(field[2], strlen(field[2]));
    long wire_len = unhex(field[5], strlen(field[5]));
    long input_len = 0;
    unleashed_key key = {{0}};
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    size_t i;

    if (key_len < 0 || wire_len < 0) {
        fail(line, "malformed hex", NULL);
        return;
    }
    if (strcmp(kind, "query") != 0) {
        input_len = unhex(field[4], strlen(field[4]));
        if (input_len < 0) {
            fail(line, "malformed input hex", NULL);
            return;
        }
    }
    if (!expect_status(line, "unleashed_key_init",
                       unleashed_key_init(&key, field[2], (size_t)key_len, key_format(field[1])), UNLEASHED_OK)) {
        return;
    }
    if (strcmp(kind, "sign") == 0) {
        if (expect_status(line, "unleashed_sign", unleashed_sign(&key, field[4], (size_t)input_len, out, sizeof out),
                          UNLEASHED_OK)) {
            check_signature(line, "unleashed_sign", out, signature);
        }
        check_verify(line, &key, field[4], (size_t)input_len, signature);
    } else if (strcmp(kind, "url") == 0) {
        if (expect_status(line, "unleashed_sign_url",
                          unleashed_sign_url(&key, field[4], (size_t)input_len, form, out, sizeof out), UNLEASHED_OK)) {
            check_signature(line, "unleashed_sign_url", out, signature);
        }
        /* The expected wire query, signed on its own, must give the same signature. */
        if (expect_status(line, "unleashed_sign_query",
                          unleashed_sign_query(&key, field[5], (size_t)wire_len, form, out, sizeof out),
                          UNLEASHED_OK)) {
            check_signature(line, "unleashed_sign_query", out, signature);
        }
        expect_status(line, "unleashed_verify_url",
                      unleashed_verify_url(&key, field[4], (size_t)input_len, form, signature, strlen(signature)),
                      UNLEASHED_OK);
        check_headers(line, &key, field[4], (size_t)input_len, form, signature);
    } else if (strcmp(kind, "query") == 0) {
        check_query(line, &key, form, field[4], field[5], (size_t)wire_len, signature);
    } else {
        fail(line, "unknown kind", kind);
    }

    unleashed_key_clear(&key);
    checks++;
    for (i = 0; i < sizeof key; i++) {
        if (((const unsigned char *)&key)[i] != 0) {
            fail(line, "unleashed_key_clear left a non-zero byte", NULL);
            break;
        }
    }
}

int main(int argc, char **argv) {
    char *data, *cursor, *end_of_line;
    unsigned long line = 0, cases = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s testdata/vectors.txt\n", argv[0]);
        return 2;
    }
    data = read_file(argv[1]);
    if (!data) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    if (strcmp(unleashed_version(), UNLEASHED_VERSION) != 0) {
        fprintf(stderr, "header %s but library %s\n", UNLEASHED_VERSION, unleashed_version());
        failures++;
    }
    for (cursor = data; *cursor; cursor = end_of_line) {
        char *field[MAX_FIELDS + 1];
        int count = 0;
        char *token;
        line++;
        end_of_line = strchr(cursor, '\n');
        if (end_of_line) {
            *end_of_line++ = '\0';
        } else {
            end_of_line = cursor + strlen(cursor);
        }
        if (cursor[0] == '#' || cursor[0] == '\0') continue;
        for (token = strtok(cursor, " "); token && count <= MAX_FIELDS; token = strtok(NULL, " ")) {
            field[count++] = token;
        }
        if (count != MAX_FIELDS) {
            fail(line, "expected 7 fields", NULL);
            continue;
        }
        cases++;
        run_case(line, field);
    }
    free(data);
    if (cases == 0) {
        fprintf(stderr, "no cases in %s\n", argv[1]);
        return 1;
    }
    printf("sign_vectors: %lu cases, %d checks\n", cases, checks);
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
