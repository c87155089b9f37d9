/*
 * The Node-API glue between JavaScript values and the C API in include/unleashed_signer.h.
 *
 * It only converts: a JS string becomes its UTF-8 bytes (a pointer and a byte length), a Uint8Array is passed
 * as the pointer to its own bytes, and the C status comes back as a number for src/index.ts to turn into an
 * error. Signing, percent-encoding, URL splitting and validation are all the C library's. Every pointer given to
 * C is valid only during that call; nothing is kept between calls but the key storage, which is allocated here
 * (raw memory of unleashed_key_size() bytes, aligned for uint64_t) and never moved or copied by the JS engine.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#define NAPI_VERSION 8
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unleashed_signer.h"

#ifdef _WIN32
/* Windows has no explicit_bzero; SecureZeroMemory is its wipe the compiler may not remove. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#define explicit_bzero(p, n) SecureZeroMemory((p), (n))
#endif

/* Returns NULL (a pending JS exception) from the calling function when a Node-API call fails. */
#define CHECK(env, call)                                                                                              \
    do {                                                                                                              \
        if ((call) != napi_ok) {                                                                                      \
            throw_last_error(env);                                                                                    \
            return NULL;                                                                                              \
        }                                                                                                             \
    } while (0)

static void throw_last_error(napi_env env) {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
    const napi_extended_error_info *info = NULL;
    napi_get_last_error_info(env, &info);
    napi_throw_error(env, NULL, info && info->error_message ? info->error_message : "Node-API call failed");
}

/* Bytes of one argument: a string's UTF-8 (in `stack`, or in `heap` when longer) or a Uint8Array's own bytes. */
typedef struct {
    const char *ptr;
    size_t len;
    char *heap;
    size_t heap_len;
    bool wipe; /* a secret: wiped before it is released */
    char stack[1024];
} bytes;

/* Reads a string or Uint8Array argument (src/index.ts has checked which it is). */
static bool get_bytes(napi_env env, napi_value value, bytes *out, bool wipe) {
    out->ptr = NULL;
    out->len = 0;
    out->heap = NULL;
    out->heap_len = 0;
    out->wipe = wipe;
    napi_valuetype type;
    if (napi_typeof(env, value, &type) != napi_ok) return false;
    if (type == napi_string) {
        size_t written = 0;
        if (napi_get_value_string_utf8(env, value, out->stack, sizeof out->stack, &written) != napi_ok) return false;
        /* Node-API copies whole characters only, so a string that did not fit stops within 4 bytes of the end. */
        if (written + 4 < sizeof out->stack) {
            out->ptr = out->stack;
            out->len = written;
            return true;
        }
        size_t len = 0;
        if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return false;
        out->heap = malloc(len + 1);
        if (out->heap == NULL) {
            napi_throw_error(env, NULL, "out of memory");
            return false;
        }
        out->heap_len = len + 1;
        if (napi_get_value_string_utf8(env, value, out->heap, len + 1, &written) != napi_ok) return false;
        out->ptr = out->heap;
        out->len = written;
        return true;
    }
    napi_typedarray_type array_type;
    size_t length = 0;
    void *data = NULL;
    if (napi_get_typedarray_info(env, value, &array_type, &length, &data, NULL, NULL) != napi_ok) return false;
    if (array_type != napi_uint8_array) {
        napi_throw_type_error(env, NULL, "expected a string or a Uint8Array");
        return false;
    }
    out->ptr = data;
    out->len = length;
    return true;
}

static void release_bytes(bytes *b) {
    if (b->wipe) {
        explicit_bzero(b->stack, sizeof b->stack);
        if (b->heap) explicit_bzero(b->heap, b->heap_len);
    }
    free(b->heap);
    b->heap = NULL;
}

static unleashed_key *get_key(napi_env env, napi_value value) {
    void *key = NULL;
    if (napi_get_value_external(env, value, &key) != napi_ok) {
        throw_last_error(env);
        return NULL;
    }
    return key;
}

static napi_value make_status(napi_env env, unleashed_status status) {
    napi_value result;
    CHECK(env, napi_create_uint32(env, (uint32_t)status, &result));
    return result;
}

static napi_value make_signature(napi_env env, const char *signature) {
    napi_value result;
    CHECK(env, napi_create_string_latin1(env, signature, UNLEASHED_SIGNATURE_LEN, &result));
    return result;
}

static bool get_u32(napi_env env, napi_value value, uint32_t *out) {
    if (napi_get_value_uint32(env, value, out) == napi_ok) return true;
    throw_last_error(env);
    return false;
}

#define ARGS(n)                                                                                                       \
    size_t argc = (n);                                                                                                \
    napi_value argv[(n) > 0 ? (n) : 1];                                                                               \
    CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL))

/* The key storage's finaliser: the backstop for keys that were never disposed. */
static void key_finalize(napi_env env, void *data, void *hint) {
    (void)env;
    (void)hint;
    unleashed_key_clear(data);
    free(data);
}

/* keyNew(): external holding zeroed key storage of unleashed_key_size() bytes. */
static napi_value key_new(napi_env env, napi_callback_info info) {
    (void)info;
    size_t size = unleashed_key_size();
    /* calloc: zeroed, and aligned for any standard type (so for uint64_t). */
    void *storage = calloc(1, size);
    if (storage == NULL) {
        napi_throw_error(env, NULL, "out of memory");
        return NULL;
    }
    napi_value result;
    if (napi_create_external(env, storage, key_finalize, NULL, &result) != napi_ok) {
        free(storage);
        throw_last_error(env);
        return NULL;
    }
    return result;
}

/* keyInit(storage, secret, format) -> status */
static napi_value key_init(napi_env env, napi_callback_info info) {
    ARGS(3);
    unleashed_key *key = get_key(env, argv[0]);
    uint32_t format;
    if (key == NULL || !get_u32(env, argv[2], &format)) return NULL;
    bytes secret;
    if (!get_bytes(env, argv[1], &secret, true)) {
        release_bytes(&secret);
        throw_last_error(env);
        return NULL;
    }
    unleashed_status status = unleashed_key_init(key, secret.ptr, secret.len, format);
    release_bytes(&secret);
    return make_status(env, status);
}

/* keyClear(storage) */
static napi_value key_clear(napi_env env, napi_callback_info info) {
    ARGS(1);
    unleashed_key *key = get_key(env, argv[0]);
    if (key == NULL) return NULL;
    unleashed_key_clear(key);
    return NULL;
}

/* keyIsZero(storage) -> whether every byte of the storage is zero (tells nothing else about the key). */
static napi_value key_is_zero(napi_env env, napi_callback_info info) {
    ARGS(1);
    const unsigned char *key = (const unsigned char *)get_key(env, argv[0]);
    if (key == NULL) return NULL;
    unsigned char any = 0;
    for (size_t i = 0; i < unleashed_key_size(); i++) any |= key[i];
    napi_value result;
    CHECK(env, napi_get_boolean(env, any == 0, &result));
    return result;
}

/* sign(storage, message) -> signature string | status */
static napi_value sign(napi_env env, napi_callback_info info) {
    ARGS(2);
    unleashed_key *key = get_key(env, argv[0]);
    if (key == NULL) return NULL;
    bytes message;
    if (!get_bytes(env, argv[1], &message, false)) {
        release_bytes(&message);
        throw_last_error(env);
        return NULL;
    }
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    unleashed_status status = unleashed_sign(key, message.ptr, message.len, out, sizeof out);
    release_bytes(&message);
    return status == UNLEASHED_OK ? make_signature(env, out) : make_status(env, status);
}

typedef unleashed_status (*sign_form_fn)(const unleashed_key *, const char *, size_t, unleashed_signed_form, char *,
                                         size_t);

/* signQuery / signUrl(storage, input, form) -> signature string | status */
static napi_value sign_with_form(napi_env env, napi_callback_info info, sign_form_fn fn) {
    ARGS(3);
    unleashed_key *key = get_key(env, argv[0]);
    uint32_t form;
    if (key == NULL || !get_u32(env, argv[2], &form)) return NULL;
    bytes input;
    if (!get_bytes(env, argv[1], &input, false)) {
        release_bytes(&input);
        throw_last_error(env);
        return NULL;
    }
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    unleashed_status status = fn(key, input.ptr, input.len, form, out, sizeof out);
    release_bytes(&input);
    return status == UNLEASHED_OK ? make_signature(env, out) : make_status(env, status);
}

static napi_value sign_query(napi_env env, napi_callback_info info) {
    return sign_with_form(env, info, unleashed_sign_query);
}

static napi_value sign_url(napi_env env, napi_callback_info info) {
    return sign_with_form(env, info, unleashed_sign_url);
}

/* verify(storage, message, signature) -> status */
static napi_value verify(napi_env env, napi_callback_info info) {
    ARGS(3);
    unleashed_key *key = get_key(env, argv[0]);
    if (key == NULL) return NULL;
    bytes message, signature;
    bool ok = get_bytes(env, argv[1], &message, false);
    bool ok2 = ok && get_bytes(env, argv[2], &signature, false);
    if (!ok2) {
        release_bytes(&message);
        if (ok) release_bytes(&signature);
        throw_last_error(env);
        return NULL;
    }
    unleashed_status status = unleashed_verify(key, message.ptr, message.len, signature.ptr, signature.len);
    release_bytes(&message);
    release_bytes(&signature);
    return make_status(env, status);
}

/* verifyUrl(storage, url, form, signature) -> status */
static napi_value verify_url(napi_env env, napi_callback_info info) {
    ARGS(4);
    unleashed_key *key = get_key(env, argv[0]);
    uint32_t form;
    if (key == NULL || !get_u32(env, argv[2], &form)) return NULL;
    bytes url, signature;
    bool ok = get_bytes(env, argv[1], &url, false);
    bool ok2 = ok && get_bytes(env, argv[3], &signature, false);
    if (!ok2) {
        release_bytes(&url);
        if (ok) release_bytes(&signature);
        throw_last_error(env);
        return NULL;
    }
    unleashed_status status = unleashed_verify_url(key, url.ptr, url.len, form, signature.ptr, signature.len);
    release_bytes(&url);
    release_bytes(&signature);
    return make_status(env, status);
}

/*
 * buildQuery(storage, [name0, value0, name1, value1, ...], form) -> [query, signature] | status
 *
 * Strings are encoded into one arena for the call; Uint8Arrays are passed as they are. One call to
 * unleashed_build_query, and one retry with the size it reported when the stack buffer was too small.
 */
static napi_value build_query(napi_env env, napi_callback_info info) {
    ARGS(3);
    unleashed_key *key = get_key(env, argv[0]);
    uint32_t form, count;
    if (key == NULL || !get_u32(env, argv[2], &form)) return NULL;
    CHECK(env, napi_get_array_length(env, argv[1], &count));
    size_t pairs = count / 2;

    napi_value result = NULL;
    unleashed_param *params = calloc(pairs ? pairs : 1, sizeof *params);
    char *arena = NULL;
    char *query = NULL;
    if (params == NULL) goto out_of_memory;

    /* First pass: the strings' UTF-8 lengths, for one arena. */
    size_t arena_len = 0;
    for (uint32_t i = 0; i < count; i++) {
        napi_value item;
        napi_valuetype type;
        if (napi_get_element(env, argv[1], i, &item) != napi_ok || napi_typeof(env, item, &type) != napi_ok) goto fail;
        if (type == napi_string) {
            size_t len;
            if (napi_get_value_string_utf8(env, item, NULL, 0, &len) != napi_ok) goto fail;
            arena_len += len + 1;
        }
    }
    arena = malloc(arena_len ? arena_len : 1);
    if (arena == NULL) goto out_of_memory;

    /* Second pass: each name and value as a pointer and a byte length. */
    size_t used = 0;
    for (uint32_t i = 0; i < pairs * 2; i++) {
        napi_value item;
        napi_valuetype type;
        const char *ptr;
        size_t len;
        if (napi_get_element(env, argv[1], i, &item) != napi_ok || napi_typeof(env, item, &type) != napi_ok) goto fail;
        if (type == napi_string) {
            if (napi_get_value_string_utf8(env, item, arena + used, arena_len - used, &len) != napi_ok) goto fail;
            ptr = arena + used;
            used += len + 1;
        } else {
            napi_typedarray_type array_type;
            void *data;
            if (napi_get_typedarray_info(env, item, &array_type, &len, &data, NULL, NULL) != napi_ok) goto fail;
            ptr = data;
        }
        if (i % 2 == 0) {
            params[i / 2].name = ptr;
            params[i / 2].name_len = len;
        } else {
            params[i / 2].value = ptr;
            params[i / 2].value_len = len;
        }
    }

    char stack[1024];
    char signature[UNLEASHED_SIGNATURE_BUFFER_LEN];
    size_t needed = 0;
    char *buffer = stack;
    unleashed_status status =
        unleashed_build_query(key, params, pairs, form, stack, sizeof stack, &needed, signature, sizeof signature);
    if (status == UNLEASHED_BUFFER_TOO_SMALL && needed > sizeof stack) {
        query = malloc(needed);
        if (query == NULL) goto out_of_memory;
        buffer = query;
        status = unleashed_build_query(key, params, pairs, form, query, needed, &needed, signature, sizeof signature);
    }
    if (status != UNLEASHED_OK) {
        result = make_status(env, status);
    } else {
        napi_value query_value, signature_value, array;
        if (napi_create_string_latin1(env, buffer, needed - 1, &query_value) != napi_ok ||
            napi_create_string_latin1(env, signature, UNLEASHED_SIGNATURE_LEN, &signature_value) != napi_ok ||
            napi_create_array_with_length(env, 2, &array) != napi_ok ||
            napi_set_element(env, array, 0, query_value) != napi_ok ||
            napi_set_element(env, array, 1, signature_value) != napi_ok)
            goto fail;
        result = array;
    }
    goto done;

out_of_memory:
    napi_throw_error(env, NULL, "out of memory");
    goto done;
fail:
    throw_last_error(env);
done:
    free(query);
    free(arena);
    free(params);
    return result;
}

/*
 * headersForUrl(storage, apiId, clientType, url, form) -> [api-auth-id, api-auth-signature, client-type] | status
 *
 * The three values exactly as unleashed_headers_for_url writes them (the API id lowercased, the client type as
 * checked, the signature of the URL's query), so that no header value is formatted here or in JavaScript.
 */
static napi_value headers_for_url(napi_env env, napi_callback_info info) {
    ARGS(5);
    unleashed_key *key = get_key(env, argv[0]);
    uint32_t form;
    if (key == NULL || !get_u32(env, argv[4], &form)) return NULL;
    bytes api_id, client_type, url;
    bool got_id = get_bytes(env, argv[1], &api_id, false);
    bool got_type = got_id && get_bytes(env, argv[2], &client_type, false);
    bool got_url = got_type && get_bytes(env, argv[3], &url, false);
    if (!got_url) { /* each get_bytes that ran may hold memory, failed or not */
        release_bytes(&api_id);
        if (got_id) release_bytes(&client_type);
        if (got_type) release_bytes(&url);
        throw_last_error(env);
        return NULL;
    }
    unleashed_headers out;
    unleashed_status status = unleashed_headers_for_url(key, api_id.ptr, api_id.len, client_type.ptr,
                                                        client_type.len, url.ptr, url.len, form, &out, sizeof out);
    release_bytes(&api_id);
    release_bytes(&client_type);
    release_bytes(&url);
    if (status != UNLEASHED_OK) return make_status(env, status);
    napi_value values[3], array;
    const char *fields[3] = {out.api_id, out.signature, out.client_type};
    for (int i = 0; i < 3; i++) CHECK(env, napi_create_string_latin1(env, fields[i], NAPI_AUTO_LENGTH, &values[i]));
    CHECK(env, napi_create_array_with_length(env, 3, &array));
    for (uint32_t i = 0; i < 3; i++) CHECK(env, napi_set_element(env, array, i, values[i]));
    return array;
}

typedef unleashed_status (*validate_fn)(const char *, size_t);

static napi_value validate(napi_env env, napi_callback_info info, validate_fn fn) {
    ARGS(1);
    bytes text;
    if (!get_bytes(env, argv[0], &text, false)) {
        release_bytes(&text);
        throw_last_error(env);
        return NULL;
    }
    unleashed_status status = fn(text.ptr, text.len);
    release_bytes(&text);
    return make_status(env, status);
}

static napi_value api_id_validate(napi_env env, napi_callback_info info) {
    return validate(env, info, unleashed_api_id_validate);
}

static napi_value client_type_validate(napi_env env, napi_callback_info info) {
    return validate(env, info, unleashed_client_type_validate);
}

/* statusStr(status) -> the C library's message */
static napi_value status_str(napi_env env, napi_callback_info info) {
    ARGS(1);
    uint32_t status;
    if (!get_u32(env, argv[0], &status)) return NULL;
    napi_value result;
    CHECK(env, napi_create_string_utf8(env, unleashed_status_str(status), NAPI_AUTO_LENGTH, &result));
    return result;
}

/* version() -> the linked library's version */
static napi_value version(napi_env env, napi_callback_info info) {
    (void)info;
    napi_value result;
    CHECK(env, napi_create_string_utf8(env, unleashed_version(), NAPI_AUTO_LENGTH, &result));
    return result;
}

/* keySize() -> unleashed_key_size() */
static napi_value key_size(napi_env env, napi_callback_info info) {
    (void)info;
    napi_value result;
    CHECK(env, napi_create_uint32(env, (uint32_t)unleashed_key_size(), &result));
    return result;
}

static napi_value init(napi_env env, napi_value exports) {
    const napi_property_descriptor functions[] = {
        {"keyNew", NULL, key_new, NULL, NULL, NULL, napi_enumerable, NULL},
        {"keyInit", NULL, key_init, NULL, NULL, NULL, napi_enumerable, NULL},
        {"keyClear", NULL, key_clear, NULL, NULL, NULL, napi_enumerable, NULL},
        {"keyIsZero", NULL, key_is_zero, NULL, NULL, NULL, napi_enumerable, NULL},
        {"keySize", NULL, key_size, NULL, NULL, NULL, napi_enumerable, NULL},
        {"sign", NULL, sign, NULL, NULL, NULL, napi_enumerable, NULL},
        {"signQuery", NULL, sign_query, NULL, NULL, NULL, napi_enumerable, NULL},
        {"signUrl", NULL, sign_url, NULL, NULL, NULL, napi_enumerable, NULL},
        {"verify", NULL, verify, NULL, NULL, NULL, napi_enumerable, NULL},
        {"verifyUrl", NULL, verify_url, NULL, NULL, NULL, napi_enumerable, NULL},
        {"buildQuery", NULL, build_query, NULL, NULL, NULL, napi_enumerable, NULL},
        {"headersForUrl", NULL, headers_for_url, NULL, NULL, NULL, napi_enumerable, NULL},
        {"apiIdValidate", NULL, api_id_validate, NULL, NULL, NULL, napi_enumerable, NULL},
        {"clientTypeValidate", NULL, client_type_validate, NULL, NULL, NULL, napi_enumerable, NULL},
        {"statusStr", NULL, status_str, NULL, NULL, NULL, napi_enumerable, NULL},
        {"version", NULL, version, NULL, NULL, NULL, napi_enumerable, NULL},
    };
    CHECK(env, napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
    return exports;
}

NAPI_MODULE(unleashed_signer, init)
