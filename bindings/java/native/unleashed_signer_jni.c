/*
 * unleashed_signer_jni.c: the JNI glue between the Java class unleashed.signer.Native and the C API of
 * include/unleashed_signer.h. It only moves bytes and statuses: every signature, encoding and check is the C
 * library's.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 *
 * How Java memory is used:
 * - Byte arrays are read through GetPrimitiveArrayCritical and released (JNI_ABORT: nothing to copy back) right
 *   after the one C call that reads them. No other JNI call happens in between, and no pointer into a Java array
 *   outlives its release: the C functions called here keep none.
 * - Lengths are Java array lengths, so always bytes (Java encodes text as UTF-8 before calling).
 * - An empty array is passed as (NULL, 0), as the C API allows, without asking the JVM for a pointer.
 * - Outputs go into Java arrays with SetByteArrayRegion once the input is released: a signature into the caller's
 *   byte[44] (Java makes the String, cheaper than NewStringUTF), a built query into a new byte[].
 * - A key is unleashed_key_size() bytes from calloc (aligned for any type, so to 8), addressed by a jlong.
 */

#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unleashed_signer.h>

/* The query buffer tried first by build_query; a longer query is built again in one of exactly the size needed. */
#define QUERY_BUFFER_LEN 512
/* Parameters held on the stack by build_query; more are allocated. */
#define STACK_PARAMS 16

static jclass exception_class;   /* unleashed.signer.UnleashedException (global reference) */
static jmethodID exception_init; /* UnleashedException(int status) */

static jclass global_class(JNIEnv *env, const char *name) {
    jclass local = (*env)->FindClass(env, name);
    if (local == NULL) {
        return NULL;
    }
    jclass global = (*env)->NewGlobalRef(env, local);
    (*env)->DeleteLocalRef(env, local);
    return global;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    JNIEnv *env;
    (void)reserved;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_10) != JNI_OK) {
        return JNI_ERR;
    }
    exception_class = global_class(env, "unleashed/signer/UnleashedException");
    if (exception_class == NULL) {
        return JNI_ERR;
    }
    exception_init = (*env)->GetMethodID(env, exception_class, "<init>", "(I)V");
    if (exception_init == NULL) {
        return JNI_ERR;
    }
    return JNI_VERSION_10;
}

static unleashed_key *key_at(jlong address) {
    return (unleashed_key *)(uintptr_t)address;
}

/* Throws UnleashedException(status); the Java constructor takes the message from unleashed_status_str. */
static void throw_status(JNIEnv *env, unleashed_status status) {
    jthrowable exception = (*env)->NewObject(env, exception_class, exception_init, (jint)status);
    if (exception != NULL) {
        (*env)->Throw(env, exception);
    }
}

static void throw_new(JNIEnv *env, const char *class_name, const char *message) {
    jclass cls = (*env)->FindClass(env, class_name);
    if (cls != NULL) {
        (*env)->ThrowNew(env, cls, message);
    }
}

/* A Java byte array pinned (or copied) for one C call: begin, call, end, with no JNI call in between. */
typedef struct {
    jbyteArray array;
    jbyte *bytes; /* NULL for an empty array */
    size_t len;
} pinned;

/* The length is read first (a JNI call that must not happen inside the critical region). */
static pinned pin_prepare(JNIEnv *env, jbyteArray array) {
    pinned p = {array, NULL, (size_t)(*env)->GetArrayLength(env, array)};
    return p;
}

/* Returns 0 (with an OutOfMemoryError pending) when the JVM cannot give access to the array. */
static int pin_begin(JNIEnv *env, pinned *p) {
    if (p->len == 0) {
        return 1;
    }
    p->bytes = (*env)->GetPrimitiveArrayCritical(env, p->array, NULL);
    return p->bytes != NULL;
}

static void pin_end(JNIEnv *env, pinned *p) {
    if (p->bytes != NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, p->array, p->bytes, JNI_ABORT);
        p->bytes = NULL;
    }
}

static const char *chars(const pinned *p) {
    return (const char *)p->bytes;
}

/*
 * Copies the 44 signature characters into the caller's byte[44] (Java makes the String: cheaper than
 * NewStringUTF), or throws for a failed status.
 */
static void signature_out(JNIEnv *env, unleashed_status status, const char *signature, jbyteArray out) {
    if (status != UNLEASHED_OK) {
        throw_status(env, status);
        return;
    }
    (*env)->SetByteArrayRegion(env, out, 0, UNLEASHED_SIGNATURE_LEN, (const jbyte *)signature);
}

static jbyteArray byte_array(JNIEnv *env, const char *text) {
    jsize len = (jsize)strlen(text);
    jbyteArray array = (*env)->NewByteArray(env, len);
    if (array != NULL) {
        (*env)->SetByteArrayRegion(env, array, 0, len, (const jbyte *)text);
    }
    return array;
}

JNIEXPORT jbyteArray JNICALL Java_unleashed_signer_Native_statusMessage(JNIEnv *env, jclass cls, jint status) {
    (void)cls;
    return byte_array(env, unleashed_status_str((uint32_t)status));
}

JNIEXPORT jbyteArray JNICALL Java_unleashed_signer_Native_version(JNIEnv *env, jclass cls) {
    (void)cls;
    return byte_array(env, unleashed_version());
}

JNIEXPORT jlong JNICALL Java_unleashed_signer_Native_keyAlloc(JNIEnv *env, jclass cls) {
    (void)cls;
    void *storage = calloc(1, unleashed_key_size());
    if (storage == NULL) {
        throw_new(env, "java/lang/OutOfMemoryError", "no native memory for an unleashed_key");
        return 0;
    }
    return (jlong)(uintptr_t)storage;
}

JNIEXPORT jint JNICALL Java_unleashed_signer_Native_keyInit(JNIEnv *env, jclass cls, jlong key, jbyteArray secret,
                                                            jint format) {
    (void)cls;
    size_t len = (size_t)(*env)->GetArrayLength(env, secret);
    jboolean is_copy = JNI_FALSE;
    jbyte *bytes = NULL;
    if (len > 0) {
        bytes = (*env)->GetPrimitiveArrayCritical(env, secret, &is_copy);
        if (bytes == NULL) {
            return UNLEASHED_OK; /* the pending OutOfMemoryError is thrown on return */
        }
    }
    unleashed_status status = unleashed_key_init(key_at(key), (const char *)bytes, len, (unleashed_key_format)format);
    if (bytes != NULL) {
        if (is_copy) { /* HotSpot pins instead of copying; a JVM that copied would free the secret unwiped */
            volatile jbyte *copy = bytes;
            for (size_t i = 0; i < len; i++) {
                copy[i] = 0;
            }
        }
        (*env)->ReleasePrimitiveArrayCritical(env, secret, bytes, JNI_ABORT);
    }
    return (jint)status;
}

JNIEXPORT void JNICALL Java_unleashed_signer_Native_keyClear(JNIEnv *env, jclass cls, jlong key) {
    (void)env;
    (void)cls;
    unleashed_key_clear(key_at(key));
}

JNIEXPORT void JNICALL Java_unleashed_signer_Native_keyFree(JNIEnv *env, jclass cls, jlong key) {
    (void)env;
    (void)cls;
    free(key_at(key));
}

/* For the tests only: how many bytes of the key storage are not zero (it reads the bytes, and tells no more). */
JNIEXPORT jint JNICALL Java_unleashed_signer_Native_keyNonZeroBytes(JNIEnv *env, jclass cls, jlong key) {
    (void)env;
    (void)cls;
    const volatile unsigned char *bytes = (const volatile unsigned char *)key_at(key);
    size_t size = unleashed_key_size();
    jint count = 0;
    for (size_t i = 0; i < size; i++) {
        count += bytes[i] != 0;
    }
    return count;
}

JNIEXPORT void JNICALL Java_unleashed_signer_Native_sign(JNIEnv *env, jclass cls, jlong key, jbyteArray message,
                                                         jbyteArray signature) {
    (void)cls;
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    pinned m = pin_prepare(env, message);
    if (!pin_begin(env, &m)) {
        return;
    }
    unleashed_status status = unleashed_sign(key_at(key), chars(&m), m.len, out, sizeof out);
    pin_end(env, &m);
    signature_out(env, status, out, signature);
}

JNIEXPORT void JNICALL Java_unleashed_signer_Native_signQuery(JNIEnv *env, jclass cls, jlong key, jbyteArray query,
                                                              jint form, jbyteArray signature) {
    (void)cls;
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    pinned q = pin_prepare(env, query);
    if (!pin_begin(env, &q)) {
        return;
    }
    unleashed_status status =
        unleashed_sign_query(key_at(key), chars(&q), q.len, (unleashed_signed_form)form, out, sizeof out);
    pin_end(env, &q);
    signature_out(env, status, out, signature);
}

JNIEXPORT void JNICALL Java_unleashed_signer_Native_signUrl(JNIEnv *env, jclass cls, jlong key, jbyteArray url,
                                                            jint form, jbyteArray signature) {
    (void)cls;
    char out[UNLEASHED_SIGNATURE_BUFFER_LEN];
    pinned u = pin_prepare(env, url);
    if (!pin_begin(env, &u)) {
        return;
    }
    unleashed_status status =
        unleashed_sign_url(key_at(key), chars(&u), u.len, (unleashed_signed_form)form, out, sizeof out);
    pin_end(env, &u);
    signature_out(env, status, out, signature);
}

/* Returns the C status: UNLEASHED_OK, UNLEASHED_SIGNATURE_MISMATCH or an error for Java to throw. */
/*
 * unleashed_headers_for_url into the caller's byte[sizeof(unleashed_headers)] (the three NUL-terminated values at
 * their fields' offsets, which Java reads), or throws for a failed status. Three arrays are pinned at once: the
 * critical regions nest, with no other JNI call until the last is released.
 */
JNIEXPORT void JNICALL Java_unleashed_signer_Native_headersForUrl(JNIEnv *env, jclass cls, jlong key,
                                                                  jbyteArray api_id, jbyteArray client_type,
                                                                  jbyteArray url, jint form, jbyteArray headers) {
    (void)cls;
    unleashed_headers out;
    pinned a = pin_prepare(env, api_id);
    pinned c = pin_prepare(env, client_type);
    pinned u = pin_prepare(env, url);
    if (!pin_begin(env, &a)) {
        return;
    }
    if (!pin_begin(env, &c)) {
        pin_end(env, &a);
        return;
    }
    if (!pin_begin(env, &u)) {
        pin_end(env, &c);
        pin_end(env, &a);
        return;
    }
    unleashed_status status = unleashed_headers_for_url(key_at(key), chars(&a), a.len, chars(&c), c.len, chars(&u),
                                                        u.len, (unleashed_signed_form)form, &out, sizeof out);
    pin_end(env, &u);
    pin_end(env, &c);
    pin_end(env, &a);
    if (status != UNLEASHED_OK) {
        throw_status(env, status);
        return;
    }
    (*env)->SetByteArrayRegion(env, headers, 0, (jsize)sizeof out, (const jbyte *)&out);
}

JNIEXPORT jint JNICALL Java_unleashed_signer_Native_verify(JNIEnv *env, jclass cls, jlong key, jbyteArray message,
                                                           jbyteArray signature) {
    (void)cls;
    pinned m = pin_prepare(env, message);
    pinned s = pin_prepare(env, signature);
    if (!pin_begin(env, &m)) {
        return UNLEASHED_OK;
    }
    if (!pin_begin(env, &s)) { /* nested critical regions are allowed */
        pin_end(env, &m);
        return UNLEASHED_OK;
    }
    unleashed_status status = unleashed_verify(key_at(key), chars(&m), m.len, chars(&s), s.len);
    pin_end(env, &s);
    pin_end(env, &m);
    return (jint)status;
}

JNIEXPORT jint JNICALL Java_unleashed_signer_Native_verifyUrl(JNIEnv *env, jclass cls, jlong key, jbyteArray url,
                                                              jint form, jbyteArray signature) {
    (void)cls;
    pinned u = pin_prepare(env, url);
    pinned s = pin_prepare(env, signature);
    if (!pin_begin(env, &u)) {
        return UNLEASHED_OK;
    }
    if (!pin_begin(env, &s)) {
        pin_end(env, &u);
        return UNLEASHED_OK;
    }
    unleashed_status status =
        unleashed_verify_url(key_at(key), chars(&u), u.len, (unleashed_signed_form)form, chars(&s), s.len);
    pin_end(env, &s);
    pin_end(env, &u);
    return (jint)status;
}

static jint validate(JNIEnv *env, jbyteArray text, unleashed_status (*check)(const char *, size_t)) {
    pinned t = pin_prepare(env, text);
    if (!pin_begin(env, &t)) {
        return UNLEASHED_OK;
    }
    unleashed_status status = check(chars(&t), t.len);
    pin_end(env, &t);
    return (jint)status;
}

JNIEXPORT jint JNICALL Java_unleashed_signer_Native_validateApiId(JNIEnv *env, jclass cls, jbyteArray id) {
    (void)cls;
    return validate(env, id, unleashed_api_id_validate);
}

JNIEXPORT jint JNICALL Java_unleashed_signer_Native_validateClientType(JNIEnv *env, jclass cls,
                                                                       jbyteArray client_type) {
    (void)cls;
    return validate(env, client_type, unleashed_client_type_validate);
}

/*
 * One unleashed_build_query call over the parameters packed in `data` (name, value, name, value, ... whose byte
 * lengths are `lens`), pinned only for the call. The pointers into `data` are made afresh each time, as the
 * array may move between calls.
 */
static unleashed_status build_once(JNIEnv *env, jlong key, jbyteArray data, const jint *lens, size_t count,
                                   unleashed_param *params, jint form, char *query, size_t query_len,
                                   size_t *needed, char *signature, int *pinned_ok) {
    pinned d = pin_prepare(env, data);
    *pinned_ok = pin_begin(env, &d);
    if (!*pinned_ok) {
        return UNLEASHED_OK;
    }
    size_t offset = 0;
    for (size_t i = 0; i < count; i++) {
        size_t name_len = (size_t)lens[2 * i], value_len = (size_t)lens[2 * i + 1];
        params[i].name = name_len ? chars(&d) + offset : NULL;
        params[i].name_len = name_len;
        offset += name_len;
        params[i].value = value_len ? chars(&d) + offset : NULL;
        params[i].value_len = value_len;
        offset += value_len;
    }
    unleashed_status status = unleashed_build_query(key_at(key), params, count, (unleashed_signed_form)form, query,
                                                    query_len, needed, signature, UNLEASHED_SIGNATURE_BUFFER_LEN);
    pin_end(env, &d);
    return status;
}

/*
 * Builds and signs the query in one C call (made once more, in a buffer of the size the first call reported, for
 * a query over QUERY_BUFFER_LEN bytes). Returns the query's bytes (percent-encoded ASCII) and copies the signature
 * into the caller's byte[44]; throws for a failed status.
 */
JNIEXPORT jbyteArray JNICALL Java_unleashed_signer_Native_buildQuery(JNIEnv *env, jclass cls, jlong key,
                                                                     jbyteArray data, jintArray lengths, jint form,
                                                                     jbyteArray signature_array) {
    (void)cls;
    jsize lens_count = (*env)->GetArrayLength(env, lengths);
    jsize data_len = (*env)->GetArrayLength(env, data);
    size_t count = (size_t)lens_count / 2;
    jint stack_lens[2 * STACK_PARAMS];
    unleashed_param stack_params[STACK_PARAMS];
    jint *lens = stack_lens;
    unleashed_param *params = stack_params;
    char stack_query[QUERY_BUFFER_LEN];
    char *query = stack_query;
    char signature[UNLEASHED_SIGNATURE_BUFFER_LEN];
    jbyteArray result = NULL;

    if (count > STACK_PARAMS) {
        lens = malloc(sizeof *lens * 2 * count);
        params = malloc(sizeof *params * count);
        if (lens == NULL || params == NULL) {
            throw_new(env, "java/lang/OutOfMemoryError", "no native memory for the query's parameters");
            goto done;
        }
    }
    (*env)->GetIntArrayRegion(env, lengths, 0, (jsize)(2 * count), lens);
    /* Native.java packs the arrays; check its arithmetic rather than trust it, since a wrong length reads memory. */
    size_t total = 0;
    for (size_t i = 0; i < 2 * count; i++) {
        if (lens[i] < 0 || (size_t)lens[i] > (size_t)data_len - total) {
            throw_new(env, "java/lang/IllegalStateException", "bug in unleashed.signer: parameter lengths exceed data");
            goto done;
        }
        total += (size_t)lens[i];
    }

    size_t needed = 0;
    int pinned_ok;
    unleashed_status status = build_once(env, key, data, lens, count, params, form, query, QUERY_BUFFER_LEN,
                                         &needed, signature, &pinned_ok);
    if (pinned_ok && status == UNLEASHED_BUFFER_TOO_SMALL && needed > QUERY_BUFFER_LEN) {
        query = malloc(needed);
        if (query == NULL) {
            throw_new(env, "java/lang/OutOfMemoryError", "no native memory for the query");
            goto done;
        }
        status = build_once(env, key, data, lens, count, params, form, query, needed, NULL, signature, &pinned_ok);
    }
    if (!pinned_ok) {
        goto done; /* OutOfMemoryError pending */
    }
    if (status != UNLEASHED_OK) {
        throw_status(env, status);
        goto done;
    }
    size_t query_len = strlen(query); /* a NUL byte in a parameter is encoded as %00 */
    result = (*env)->NewByteArray(env, (jsize)query_len);
    if (result != NULL) {
        (*env)->SetByteArrayRegion(env, result, 0, (jsize)query_len, (const jbyte *)query);
        (*env)->SetByteArrayRegion(env, signature_array, 0, UNLEASHED_SIGNATURE_LEN, (const jbyte *)signature);
    }

done:
    if (query != stack_query) {
        free(query);
    }
    if (lens != stack_lens) {
        free(lens);
    }
    if (params != stack_params) {
        free(params);
    }
    return result;
}
