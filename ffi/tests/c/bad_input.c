/*
 * Bad input from C: every pointer argument NULL in turn, zero and SIZE_MAX lengths, too-small output buffers,
 * cleared and never-initialised keys, malformed escapes, non-UTF-8 bytes, out-of-range enum values, and wrong
 * signatures (altered, cut, extended, another key's, the other form's) given to both verify entry points. Each call
 * must return its documented status, leave outputs untouched on failure, and crash nothing (this file is also run
 * under ASan+UBSan and valgrind by .ci/steps/30-ffi.sh). Also checks the version macros against the version given
 * on the command line (Cargo.toml's), and that unleashed_key_clear zeroes every byte of the key storage.
 *
 * usage: bad_input MAJOR.MINOR.PATCH
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unleashed_signer.h"

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

/* Checks a status, printing both numbers and the message on a mismatch. */
#define EXPECT(call, expected)                                                                          \
    do {                                                                                                \
        unleashed_status got_ = (call);                                                                 \
        if (got_ == (expected)) {                                                                       \
            passed++;                                                                                   \
        } else {                                                                                        \
            failed++;                                                                                   \
            fprintf(stderr, "%s:%d: %s\n  returned %u (%s), expected %s\n", __FILE__, __LINE__, #call, \
                    (unsigned)got_, unleashed_status_str(got_), #expected);                             \
        }                                                                                               \
    } while (0)

static const char KEY[] = "DW5AeeNnA+vTfABy L1iR0osOKBHcEUsSkhUSOtzONgUWxaf4QPwBTIO3UiMhcbfdp7kvIi96fAaUEyrWiKv0==";
static const char GOOD_KEY[] = "DW5AeeNnA-vTfAByL1iR0osOKBHcEUsSkhUSOtzONgUWxaf4QPwBTIO3UiMhcbfdp7kvIi96fAaUEyrWiKv0==";
#define HUGE SIZE_MAX
#define TOO_LONG ((size_t)PTRDIFF_MAX + 1)

static int all_zero(const void *p, size_t n) {
    const unsigned char *bytes = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (bytes[i] != 0) return 0;
    }
    return 1;
}

static int untouched(const char *buf, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (buf[i] != 'x') return 0;
    }
    return 1;
}

static void check_versions(const char *cargo_version) {
    char expected[64];
    sprintf(expected, "%d.%d.%d", UNLEASHED_VERSION_MAJOR, UNLEASHED_VERSION_MINOR, UNLEASHED_VERSION_PATCH);
    CHECK(strcmp(expected, cargo_version) == 0);
    CHECK(strcmp(UNLEASHED_VERSION, cargo_version) == 0);
    CHECK(strcmp(unleashed_version(), cargo_version) == 0);
    CHECK(UNLEASHED_SIGNATURE_LEN == 44);
    CHECK(UNLEASHED_SIGNATURE_BUFFER_LEN == 45);
    CHECK(unleashed_key_size() == sizeof(unleashed_key));
    CHECK(unleashed_query_size() == sizeof(unleashed_query));
    CHECK(strcmp(UNLEASHED_HEADER_API_AUTH_SIGNATURE, "api-auth-signature") == 0);
}

static void check_status_strings(void) {
    const char *unknown = unleashed_status_str(7);
    uint32_t n;
    CHECK(unknown != NULL && strlen(unknown) > 0);
    CHECK(strcmp(unleashed_status_str(UINT32_MAX), unknown) == 0);
    CHECK(strcmp(unleashed_status_str(UNLEASHED_OK), "success") == 0);
    for (n = 0; n < 300; n++) {
        const char *message = unleashed_status_str(n);
        CHECK(message != NULL && strlen(message) > 0);
    }
    CHECK(strcmp(unleashed_status_str(UNLEASHED_PANIC), unknown) != 0);
    CHECK(strcmp(unleashed_status_str(UNLEASHED_INVALID_CLIENT_TYPE), unknown) != 0);
}

static void check_key_init(void) {
    unleashed_key key;
    memset(&key, 0, sizeof key);
    EXPECT(unleashed_key_init(NULL, GOOD_KEY, strlen(GOOD_KEY), UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_key_init(&key, NULL, 5, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_key_init(&key, NULL, 0, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_EMPTY_KEY);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, 0, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_EMPTY_KEY);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, 0, UNLEASHED_KEY_FORMAT_RAW), UNLEASHED_EMPTY_KEY);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, HUGE, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, TOO_LONG, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, strlen(GOOD_KEY), 3), UNLEASHED_INVALID_KEY_FORMAT);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, strlen(GOOD_KEY), UINT32_MAX), UNLEASHED_INVALID_KEY_FORMAT);
    EXPECT(unleashed_key_init(&key, KEY, strlen(KEY), UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_KEY_WHITESPACE);
    EXPECT(unleashed_key_init(&key, "key\n", 4, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_KEY_WHITESPACE);
    EXPECT(unleashed_key_init(&key, "k\x07y", 3, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_KEY_CONTROL_CHARACTER);
    EXPECT(unleashed_key_init(&key, "k\xff\xfey", 4, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_KEY_NOT_UTF8);
    EXPECT(unleashed_key_init(&key, "k\xff\xfey", 4, UNLEASHED_KEY_FORMAT_BASE64), UNLEASHED_KEY_NOT_UTF8);
    EXPECT(unleashed_key_init(&key, "k\xff\n\0y", 5, UNLEASHED_KEY_FORMAT_RAW), UNLEASHED_OK);
    EXPECT(unleashed_key_init(&key, "abc", 3, UNLEASHED_KEY_FORMAT_BASE64), UNLEASHED_INVALID_BASE64);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, strlen(GOOD_KEY), UNLEASHED_KEY_FORMAT_BASE64), UNLEASHED_INVALID_BASE64);
    {
        char long_base64[401];
        memset(long_base64, 'A', 400);
        long_base64[400] = '\0';
        EXPECT(unleashed_key_init(&key, long_base64, 400, UNLEASHED_KEY_FORMAT_BASE64), UNLEASHED_BASE64_KEY_TOO_LONG);
    }
    EXPECT(unleashed_key_init(&key, "c2VjcmV0", 8, UNLEASHED_KEY_FORMAT_BASE64), UNLEASHED_OK);
    unleashed_key_clear(&key);
}

/* The storage reads all zero after clearing, and after a failed init over a working key. */
static void check_zeroization(void) {
    unleashed_key key;
    char sig[UNLEASHED_SIGNATURE_BUFFER_LEN];
    memset(&key, 0xa5, sizeof key);
    EXPECT(unleashed_sign(&key, "a", 1, sig, sizeof sig), UNLEASHED_KEY_NOT_INITIALISED);
    EXPECT(unleashed_key_init(&key, GOOD_KEY, strlen(GOOD_KEY), UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_OK);
    CHECK(!all_zero(&key, sizeof key));
    unleashed_key_clear(&key);
    CHECK(all_zero(&key, sizeof key));
    EXPECT(unleashed_sign(&key, "a", 1, sig, sizeof sig), UNLEASHED_KEY_NOT_INITIALISED);
    unleashed_key_clear(&key);
    CHECK(all_zero(&key, sizeof key));
    unleashed_key_clear(NULL);

    EXPECT(unleashed_key_init(&key, GOOD_KEY, strlen(GOOD_KEY), UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_OK);
    EXPECT(unleashed_key_init(&key, "bad key", 7, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_KEY_WHITESPACE);
    CHECK(all_zero(&key, sizeof key));
    EXPECT(unleashed_sign(&key, "a", 1, sig, sizeof sig), UNLEASHED_KEY_NOT_INITIALISED);

    /* Heap storage, as a binding would allocate it from unleashed_key_size(). */
    {
        unleashed_key *heap = calloc(1, unleashed_key_size());
        CHECK(heap != NULL);
        if (heap) {
            EXPECT(unleashed_sign(heap, "a", 1, sig, sizeof sig), UNLEASHED_KEY_NOT_INITIALISED);
            EXPECT(unleashed_key_init(heap, GOOD_KEY, strlen(GOOD_KEY), UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_OK);
            EXPECT(unleashed_sign(heap, "a", 1, sig, sizeof sig), UNLEASHED_OK);
            unleashed_key_clear(heap);
            CHECK(all_zero(heap, unleashed_key_size()));
            free(heap);
        }
    }
}

static void check_signing(const unleashed_key *key) {
    char out[64], expected[UNLEASHED_SIGNATURE_BUFFER_LEN];
    unleashed_key zeroed;
    memset(&zeroed, 0, sizeof zeroed);

    EXPECT(unleashed_sign(key, "", 0, expected, sizeof expected), UNLEASHED_OK);
    EXPECT(unleashed_sign(key, NULL, 0, out, sizeof out), UNLEASHED_OK);
    CHECK(strcmp(out, expected) == 0 && strlen(out) == UNLEASHED_SIGNATURE_LEN);
    EXPECT(unleashed_sign(key, "a", 1, out, UNLEASHED_SIGNATURE_BUFFER_LEN), UNLEASHED_OK);

    /* NULL in turn, then lengths no buffer has. */
    EXPECT(unleashed_sign(NULL, "a", 1, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign(key, NULL, 1, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign(key, "a", 1, NULL, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign(key, "a", 1, NULL, 0), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign(key, "a", HUGE, out, sizeof out), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_sign(key, "a", TOO_LONG, out, sizeof out), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_sign(key, "a", 1, out, HUGE), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_sign(&zeroed, "a", 1, out, sizeof out), UNLEASHED_KEY_NOT_INITIALISED);

    /* Arguments are checked in order: the first failure is the one reported. */
    EXPECT(unleashed_sign(&zeroed, "a", HUGE, NULL, 0), UNLEASHED_KEY_NOT_INITIALISED);
    EXPECT(unleashed_sign(key, "a", HUGE, NULL, 0), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_sign(key, NULL, 1, out, 0), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_url(key, "?a", 2, 9, out, 0), UNLEASHED_INVALID_SIGNED_FORM);
    EXPECT(unleashed_sign_url(key, "?a=%zz", 6, UNLEASHED_SIGNED_FORM_DECODED, out, 0), UNLEASHED_BUFFER_TOO_SMALL);

    /* Too small: nothing written, not even a NUL. */
    memset(out, 'x', sizeof out);
    EXPECT(unleashed_sign(key, "a", 1, out, UNLEASHED_SIGNATURE_LEN), UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_sign(key, "a", 1, out, 0), UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_sign(key, "a", 1, out, 1), UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_sign_url(key, "/a?b=1", 6, UNLEASHED_SIGNED_FORM_DECODED, out, 44), UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_sign_query(key, "b=1", 3, UNLEASHED_SIGNED_FORM_WIRE, out, 44), UNLEASHED_BUFFER_TOO_SMALL);
    CHECK(untouched(out, sizeof out));

    /* Non-UTF-8 bytes and NUL bytes inside the message are signed as they are. */
    EXPECT(unleashed_sign(key, "\xff\x00\xfe", 3, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "\xff\x00\xfe", 3, out, UNLEASHED_SIGNATURE_LEN), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "\xff\x00\xff", 3, out, UNLEASHED_SIGNATURE_LEN), UNLEASHED_SIGNATURE_MISMATCH);

    /* sign_url / sign_query. */
    EXPECT(unleashed_sign_url(NULL, "/a?b=1", 6, 0, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_url(key, NULL, 6, 0, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_url(key, "/a?b=1", 6, 0, NULL, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_url(key, "/a?b=1", HUGE, 0, out, sizeof out), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_sign_url(key, "/a?b=1", 6, 2, out, sizeof out), UNLEASHED_INVALID_SIGNED_FORM);
    EXPECT(unleashed_sign_url(key, "/a?b=1", 6, UINT32_MAX, out, sizeof out), UNLEASHED_INVALID_SIGNED_FORM);
    EXPECT(unleashed_sign_url(&zeroed, "/a?b=1", 6, 0, out, sizeof out), UNLEASHED_KEY_NOT_INITIALISED);
    EXPECT(unleashed_sign_url(key, NULL, 0, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out), UNLEASHED_OK);
    CHECK(strcmp(out, expected) == 0);
    EXPECT(unleashed_sign_query(NULL, "b=1", 3, 0, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_query(key, NULL, 3, 0, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_query(key, "b=1", 3, 0, NULL, 45), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_sign_query(key, "b=1", HUGE, 0, out, sizeof out), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_sign_query(key, "b=1", 3, 7, out, sizeof out), UNLEASHED_INVALID_SIGNED_FORM);

    /* Malformed escapes: rejected for the decoded form, signed as they are for the wire form. */
    memset(out, 'x', sizeof out);
    EXPECT(unleashed_sign_url(key, "/a?x=%zz", 8, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out),
           UNLEASHED_MALFORMED_ESCAPE);
    EXPECT(unleashed_sign_url(key, "/a?x=50%", 8, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out),
           UNLEASHED_MALFORMED_ESCAPE);
    EXPECT(unleashed_sign_url(key, "/a?x=%4", 7, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out),
           UNLEASHED_MALFORMED_ESCAPE);
    EXPECT(unleashed_sign_query(key, "%", 1, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out),
           UNLEASHED_MALFORMED_ESCAPE);
    CHECK(untouched(out, sizeof out));
    EXPECT(unleashed_sign_url(key, "/a?x=%zz", 8, UNLEASHED_SIGNED_FORM_WIRE, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_verify_url(key, "/a?x=%zz", 8, UNLEASHED_SIGNED_FORM_WIRE, out, 44), UNLEASHED_OK);
    EXPECT(unleashed_verify_url(key, "/a?x=%zz", 8, UNLEASHED_SIGNED_FORM_DECODED, out, 44), UNLEASHED_MALFORMED_ESCAPE);
    EXPECT(unleashed_sign_url(key, "/a?x=\xff%ff", 9, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "x=\xff\xff", 4, out, 44), UNLEASHED_OK);

    /* verify: every pointer NULL in turn, wrong lengths. */
    EXPECT(unleashed_sign(key, "a", 1, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_verify(NULL, "a", 1, out, 44), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_verify(key, NULL, 1, out, 44), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_verify(key, "a", 1, NULL, 44), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_verify(key, "a", 1, NULL, 0), UNLEASHED_SIGNATURE_MISMATCH);
    EXPECT(unleashed_verify(key, "a", 1, out, 43), UNLEASHED_SIGNATURE_MISMATCH);
    EXPECT(unleashed_verify(key, "a", 1, out, 45), UNLEASHED_SIGNATURE_MISMATCH);
    EXPECT(unleashed_verify(key, "a", 1, out, HUGE), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_verify(key, "a", HUGE, out, 44), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_verify(&zeroed, "a", 1, out, 44), UNLEASHED_KEY_NOT_INITIALISED);
    EXPECT(unleashed_verify_url(NULL, "?a", 2, 0, out, 44), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_verify_url(key, NULL, 2, 0, out, 44), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_verify_url(key, "?a", 2, 0, NULL, 44), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_verify_url(key, "?a", 2, 9, out, 44), UNLEASHED_INVALID_SIGNED_FORM);
    EXPECT(unleashed_verify_url(key, "?a", HUGE, 0, out, 44), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_verify_url(key, "?a", 2, 0, out, 44), UNLEASHED_OK);
}

/* Checks `unleashed_verify_url` accepts `good` for `url` in `form` and refuses every wrong signature made from it:
 * each character changed, two changed by the same XOR (differences that cancel), cut by one, one byte more, empty. */
static void check_refused(const unleashed_key *key, const char *url, unleashed_signed_form form, const char *good) {
    char bad[UNLEASHED_SIGNATURE_BUFFER_LEN + 1];
    size_t url_len = strlen(url), i;
    EXPECT(unleashed_verify_url(key, url, url_len, form, good, UNLEASHED_SIGNATURE_LEN), UNLEASHED_OK);
    for (i = 0; i < UNLEASHED_SIGNATURE_LEN; i++) {
        memcpy(bad, good, UNLEASHED_SIGNATURE_LEN);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        EXPECT(unleashed_verify_url(key, url, url_len, form, bad, UNLEASHED_SIGNATURE_LEN),
               UNLEASHED_SIGNATURE_MISMATCH);
    }
    memcpy(bad, good, UNLEASHED_SIGNATURE_LEN);
    bad[3] ^= 1;
    bad[40] ^= 1;
    EXPECT(unleashed_verify_url(key, url, url_len, form, bad, UNLEASHED_SIGNATURE_LEN), UNLEASHED_SIGNATURE_MISMATCH);
    memcpy(bad, good, UNLEASHED_SIGNATURE_LEN);
    bad[UNLEASHED_SIGNATURE_LEN] = '=';
    EXPECT(unleashed_verify_url(key, url, url_len, form, bad, UNLEASHED_SIGNATURE_LEN + 1),
           UNLEASHED_SIGNATURE_MISMATCH);
    EXPECT(unleashed_verify_url(key, url, url_len, form, bad, UNLEASHED_SIGNATURE_LEN - 1),
           UNLEASHED_SIGNATURE_MISMATCH);
    EXPECT(unleashed_verify_url(key, url, url_len, form, bad, 0), UNLEASHED_SIGNATURE_MISMATCH);
}

/* A wrong signature is refused by both verify entry points, in both signed forms: altered signatures, another
 * key's signature, and the signature of the other form (which differs when the query has escapes). */
static void check_wrong_signatures(const unleashed_key *key) {
    static const char *const urls[] = {"/Customers?customerCode=ACME", "/Customers?customerName=Acme%20%26%20Sons"};
    static const unleashed_signed_form forms[] = {UNLEASHED_SIGNED_FORM_DECODED, UNLEASHED_SIGNED_FORM_WIRE};
    char sig[2][UNLEASHED_SIGNATURE_BUFFER_LEN], other[UNLEASHED_SIGNATURE_BUFFER_LEN], bad[UNLEASHED_SIGNATURE_LEN];
    unleashed_key other_key;
    size_t u, f;
    EXPECT(unleashed_key_init(&other_key, "other-key", 9, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_OK);
    for (u = 0; u < 2; u++) {
        size_t url_len = strlen(urls[u]);
        for (f = 0; f < 2; f++) {
            EXPECT(unleashed_sign_url(key, urls[u], url_len, forms[f], sig[f], sizeof sig[f]), UNLEASHED_OK);
            check_refused(key, urls[u], forms[f], sig[f]);
            EXPECT(unleashed_sign_url(&other_key, urls[u], url_len, forms[f], other, sizeof other), UNLEASHED_OK);
            EXPECT(unleashed_verify_url(key, urls[u], url_len, forms[f], other, UNLEASHED_SIGNATURE_LEN),
                   UNLEASHED_SIGNATURE_MISMATCH);
        }
        /* Only the second URL has escapes: there the two forms sign different bytes. */
        CHECK((strcmp(sig[0], sig[1]) != 0) == (u == 1));
        if (u == 1) {
            EXPECT(unleashed_verify_url(key, urls[u], url_len, forms[0], sig[1], UNLEASHED_SIGNATURE_LEN),
                   UNLEASHED_SIGNATURE_MISMATCH);
            EXPECT(unleashed_verify_url(key, urls[u], url_len, forms[1], sig[0], UNLEASHED_SIGNATURE_LEN),
                   UNLEASHED_SIGNATURE_MISMATCH);
        }
    }
    /* unleashed_verify signs the message as it is: an altered signature, and another key's, are refused. */
    EXPECT(unleashed_sign(key, "customerCode=ACME", 17, sig[0], sizeof sig[0]), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "customerCode=ACME", 17, sig[0], UNLEASHED_SIGNATURE_LEN), UNLEASHED_OK);
    memcpy(bad, sig[0], UNLEASHED_SIGNATURE_LEN);
    bad[0] ^= 1;
    bad[1] ^= 1;
    EXPECT(unleashed_verify(key, "customerCode=ACME", 17, bad, UNLEASHED_SIGNATURE_LEN), UNLEASHED_SIGNATURE_MISMATCH);
    EXPECT(unleashed_sign(&other_key, "customerCode=ACME", 17, other, sizeof other), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "customerCode=ACME", 17, other, UNLEASHED_SIGNATURE_LEN),
           UNLEASHED_SIGNATURE_MISMATCH);
    unleashed_key_clear(&other_key);
}

static void check_query(const unleashed_key *key) {
    char buf[32], small[8], out[UNLEASHED_SIGNATURE_BUFFER_LEN], expected[UNLEASHED_SIGNATURE_BUFFER_LEN];
    unleashed_query query, zeroed;
    size_t needed = 12345;
    memset(&zeroed, 0, sizeof zeroed);

    EXPECT(unleashed_query_init(NULL, buf, sizeof buf), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_init(&query, NULL, sizeof buf), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_init(&query, buf, 0), UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_query_init(&query, buf, HUGE), UNLEASHED_INVALID_LENGTH);

    /* A never-initialised (zeroed) query. */
    EXPECT(unleashed_query_push(&zeroed, "a", 1, "b", 1, &needed), UNLEASHED_QUERY_NOT_INITIALISED);
    EXPECT(unleashed_query_sign(&zeroed, key, 0, out, sizeof out), UNLEASHED_QUERY_NOT_INITIALISED);
    CHECK(unleashed_query_str(&zeroed) == NULL);
    CHECK(unleashed_query_len(&zeroed) == 0);
    CHECK(unleashed_query_str(NULL) == NULL);
    CHECK(unleashed_query_len(NULL) == 0);
    CHECK(needed == 12345);

    EXPECT(unleashed_query_init(&query, buf, sizeof buf), UNLEASHED_OK);
    CHECK(unleashed_query_str(&query) == buf && buf[0] == '\0' && unleashed_query_len(&query) == 0);
    EXPECT(unleashed_query_sign(&query, key, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_sign(key, NULL, 0, expected, sizeof expected), UNLEASHED_OK);
    CHECK(strcmp(out, expected) == 0);

    EXPECT(unleashed_query_push(NULL, "a", 1, "b", 1, &needed), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_push(&query, NULL, 1, "b", 1, &needed), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_push(&query, "a", 1, NULL, 1, &needed), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_push(&query, "a", HUGE, "b", 1, &needed), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_query_push(&query, "a", 1, "b", HUGE, &needed), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_query_push(&query, NULL, 0, "b", 1, &needed), UNLEASHED_EMPTY_PARAMETER_NAME);
    EXPECT(unleashed_query_push(&query, buf, 1, "b", 1, &needed), UNLEASHED_OVERLAPPING_BUFFERS);
    EXPECT(unleashed_query_push(&query, "a", 1, buf + 31, 1, &needed), UNLEASHED_OVERLAPPING_BUFFERS);
    CHECK(needed == 12345);
    CHECK(unleashed_query_len(&query) == 0);

    /* A value may be NULL with length 0; needed may be NULL. Non-UTF-8 bytes are percent-encoded. */
    EXPECT(unleashed_query_push(&query, "a", 1, NULL, 0, NULL), UNLEASHED_OK);
    EXPECT(unleashed_query_push(&query, "b c", 3, "\xff", 1, &needed), UNLEASHED_OK);
    CHECK(strcmp(unleashed_query_str(&query), "a=&b%20c=%FF") == 0 && needed == 13);
    CHECK(unleashed_query_len(&query) == 12);

    /* Too small: reports the exact size, writes nothing, and the query stays usable. */
    EXPECT(unleashed_query_push(&query, "longname", 8, "long value", 10, &needed), UNLEASHED_BUFFER_TOO_SMALL);
    CHECK(needed == 12 + 1 + 8 + 1 + 12 + 1);
    CHECK(strcmp(unleashed_query_str(&query), "a=&b%20c=%FF") == 0);
    EXPECT(unleashed_query_push(&query, "c", 1, "", 0, &needed), UNLEASHED_OK);
    CHECK(strcmp(unleashed_query_str(&query), "a=&b%20c=%FF&c=") == 0 && needed == 16);

    EXPECT(unleashed_query_sign(NULL, key, 0, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_sign(&query, NULL, 0, out, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_sign(&query, key, 0, NULL, sizeof out), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_query_sign(&query, key, 0, out, HUGE), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_query_sign(&query, key, 2, out, sizeof out), UNLEASHED_INVALID_SIGNED_FORM);
    memset(out, 'x', sizeof out);
    EXPECT(unleashed_query_sign(&query, key, 0, out, 44), UNLEASHED_BUFFER_TOO_SMALL);
    CHECK(untouched(out, sizeof out));

    /* The decoded form signs the parameters as given; the wire form the bytes as built. */
    EXPECT(unleashed_query_sign(&query, key, UNLEASHED_SIGNED_FORM_DECODED, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "a=&b c=\xff&c=", 11, out, 44), UNLEASHED_OK);
    EXPECT(unleashed_query_sign(&query, key, UNLEASHED_SIGNED_FORM_WIRE, out, sizeof out), UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "a=&b%20c=%FF&c=", 15, out, 44), UNLEASHED_OK);

    /* The smallest buffer holds just the NUL; the first parameter reports what it needs. */
    EXPECT(unleashed_query_init(&query, small, 1), UNLEASHED_OK);
    EXPECT(unleashed_query_push(&query, "k", 1, "v", 1, &needed), UNLEASHED_BUFFER_TOO_SMALL);
    CHECK(needed == 4);
    EXPECT(unleashed_query_init(&query, small, 4), UNLEASHED_OK);
    EXPECT(unleashed_query_push(&query, "k", 1, "v", 1, &needed), UNLEASHED_OK);
    CHECK(strcmp(small, "k=v") == 0 && needed == 4);
    EXPECT(unleashed_query_push(&query, "k", 1, "v", 1, &needed), UNLEASHED_BUFFER_TOO_SMALL);
    CHECK(needed == 8);
}

static void check_headers(void) {
    const char *id = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    EXPECT(unleashed_api_id_validate(id, strlen(id)), UNLEASHED_OK);
    EXPECT(unleashed_api_id_validate("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D", 36), UNLEASHED_OK);
    EXPECT(unleashed_api_id_validate(id, 35), UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_api_id_validate(NULL, 0), UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_api_id_validate(NULL, 36), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_api_id_validate(id, HUGE), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_api_id_validate("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5\xff", 36), UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_api_id_validate("0a1b2c3dx4e5f-6a7b-8c9d-0e1f2a3b4c5d", 36), UNLEASHED_INVALID_API_ID);

    EXPECT(unleashed_client_type_validate("acme/orderautomation", 20), UNLEASHED_OK);
    EXPECT(unleashed_client_type_validate("acme", 4), UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_client_type_validate("acme/order automation", 21), UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_client_type_validate("acme/caf\xc3\xa9", 10), UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_client_type_validate(NULL, 0), UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_client_type_validate(NULL, 3), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_client_type_validate("a/b", HUGE), UNLEASHED_INVALID_LENGTH);
}

/* unleashed_headers_for_url: the three values at their documented offsets, the id lowercased, every bad argument
 * rejected with its status and the output left untouched, and a buffer one byte short refused. */
static void check_header_values(const unleashed_key *key) {
    static const char upper[] = "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
    static const char lower[] = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    static const char longest[] = "acme/orderautomation-with-a-very-long-name-of-exactly-64-bytes-x";
    static const char url[] = "/Customers?customerName=Acme%20%26%20Sons+Co#frag";
    const size_t url_len = sizeof url - 1;
    unleashed_headers h;
    char expected[UNLEASHED_SIGNATURE_BUFFER_LEN], big[sizeof(unleashed_headers) + 8];
    unleashed_key zeroed;
    memset(&zeroed, 0, sizeof zeroed);

    CHECK(sizeof(unleashed_headers) == 147);
    CHECK(offsetof(unleashed_headers, api_id) == 0);
    CHECK(offsetof(unleashed_headers, signature) == 37);
    CHECK(offsetof(unleashed_headers, client_type) == 82);
    CHECK(UNLEASHED_API_ID_LEN == 36 && UNLEASHED_CLIENT_TYPE_MAX_LEN == 64);

    /* Both forms: the signature is unleashed_sign_url's, the id is lowercased, the client type copied. */
    memset(&h, 'x', sizeof h);
    EXPECT(unleashed_headers_for_url(key, upper, 36, "acme/app", 8, url, url_len, UNLEASHED_SIGNED_FORM_DECODED, &h,
                                     sizeof h),
           UNLEASHED_OK);
    EXPECT(unleashed_sign_url(key, url, url_len, UNLEASHED_SIGNED_FORM_DECODED, expected, sizeof expected),
           UNLEASHED_OK);
    CHECK(strcmp(h.signature, expected) == 0);
    CHECK(strcmp(h.api_id, lower) == 0);
    CHECK(strcmp(h.client_type, "acme/app") == 0);
    CHECK(all_zero(h.client_type + 8, sizeof h.client_type - 8));
    EXPECT(unleashed_verify(key, "customerName=Acme & Sons+Co", 27, h.signature, 44), UNLEASHED_OK);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "acme/app", 8, url, url_len, UNLEASHED_SIGNED_FORM_WIRE, &h,
                                     sizeof h),
           UNLEASHED_OK);
    EXPECT(unleashed_verify(key, "customerName=Acme%20%26%20Sons+Co", 33, h.signature, 44), UNLEASHED_OK);
    CHECK(strcmp(h.api_id, lower) == 0);
    /* No query: the signature of the empty string. NULL url with length 0 is allowed. */
    EXPECT(unleashed_headers_for_url(key, lower, 36, longest, 64, NULL, 0, UNLEASHED_SIGNED_FORM_DECODED, &h, sizeof h),
           UNLEASHED_OK);
    EXPECT(unleashed_sign(key, NULL, 0, expected, sizeof expected), UNLEASHED_OK);
    CHECK(strcmp(h.signature, expected) == 0 && strcmp(h.client_type, longest) == 0);
    /* A larger buffer is fine; only the struct's bytes are written. */
    memset(big, 'x', sizeof big);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, "?a=1", 4, 0, (unleashed_headers *)big, sizeof big),
           UNLEASHED_OK);
    CHECK(untouched(big + sizeof(unleashed_headers), 8));
    CHECK(strcmp(((unleashed_headers *)big)->client_type, "a/b") == 0);

    /* Every failure leaves the output as it was. */
    memset(&h, 'x', sizeof h);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, url, url_len, 0, &h, sizeof h - 1),
           UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, url, url_len, 0, &h, 0), UNLEASHED_BUFFER_TOO_SMALL);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, url, url_len, 0, NULL, sizeof h),
           UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_headers_for_url(NULL, lower, 36, "a/b", 3, url, url_len, 0, &h, sizeof h), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_headers_for_url(&zeroed, lower, 36, "a/b", 3, url, url_len, 0, &h, sizeof h),
           UNLEASHED_KEY_NOT_INITIALISED);
    EXPECT(unleashed_headers_for_url(key, NULL, 36, "a/b", 3, url, url_len, 0, &h, sizeof h), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_headers_for_url(key, lower, 36, NULL, 3, url, url_len, 0, &h, sizeof h), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, NULL, 1, 0, &h, sizeof h), UNLEASHED_NULL_POINTER);
    EXPECT(unleashed_headers_for_url(key, lower, HUGE, "a/b", 3, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", TOO_LONG, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, url, HUGE, 0, &h, sizeof h), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, url, url_len, 0, &h, HUGE), UNLEASHED_INVALID_LENGTH);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, url, url_len, 2, &h, sizeof h),
           UNLEASHED_INVALID_SIGNED_FORM);
    EXPECT(unleashed_headers_for_url(key, lower, 35, "a/b", 3, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_headers_for_url(key, NULL, 0, "a/b", 3, url, url_len, 0, &h, sizeof h), UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_headers_for_url(key, "0a1b2c3dx4e5f-6a7b-8c9d-0e1f2a3b4c5d", 36, "a/b", 3, url, url_len, 0, &h,
                                     sizeof h),
           UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_headers_for_url(key, "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5g", 36, "a/b", 3, url, url_len, 0, &h,
                                     sizeof h),
           UNLEASHED_INVALID_API_ID);
    /* The id is checked before the client type, and both before the query. */
    EXPECT(unleashed_headers_for_url(key, lower, 35, "acme", 4, "?%", 2, 0, &h, sizeof h), UNLEASHED_INVALID_API_ID);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "acme", 4, "?%", 2, 0, &h, sizeof h),
           UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "acme/order app", 14, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_headers_for_url(key, lower, 36, NULL, 0, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_headers_for_url(key, lower, 36, longest, 65, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b\n", 4, url, url_len, 0, &h, sizeof h),
           UNLEASHED_INVALID_CLIENT_TYPE);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, "/x?a=%zz", 8, UNLEASHED_SIGNED_FORM_DECODED, &h,
                                     sizeof h),
           UNLEASHED_MALFORMED_ESCAPE);
    CHECK(untouched((const char *)&h, sizeof h));
    /* An input inside the output is refused before anything is written. */
    memcpy(h.client_type, "a/b", 4);
    EXPECT(unleashed_headers_for_url(key, lower, 36, h.client_type, 3, url, url_len, 0, &h, sizeof h),
           UNLEASHED_OVERLAPPING_BUFFERS);
    memcpy(h.api_id, lower, 36);
    EXPECT(unleashed_headers_for_url(key, h.api_id, 36, "a/b", 3, url, url_len, 0, &h, sizeof h),
           UNLEASHED_OVERLAPPING_BUFFERS);
    memcpy(h.signature, "?a=1", 4);
    EXPECT(unleashed_headers_for_url(key, lower, 36, "a/b", 3, h.signature, 4, 0, &h, sizeof h),
           UNLEASHED_OVERLAPPING_BUFFERS);
    CHECK(memcmp(h.api_id, lower, 36) == 0 && memcmp(h.signature, "?a=1", 4) == 0);
}

int main(int argc, char **argv) {
    unleashed_key key;
    if (argc != 2) {
        fprintf(stderr, "usage: %s MAJOR.MINOR.PATCH (the version in Cargo.toml)\n", argv[0]);
        return 2;
    }
    memset(&key, 0, sizeof key);
    check_versions(argv[1]);
    check_status_strings();
    check_key_init();
    check_zeroization();
    EXPECT(unleashed_key_init(&key, GOOD_KEY, strlen(GOOD_KEY), UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_OK);
    check_signing(&key);
    check_wrong_signatures(&key);
    check_query(&key);
    check_header_values(&key);
    unleashed_key_clear(&key);
    check_headers();
    printf("bad_input: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
