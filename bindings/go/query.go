package unleashed

/*
#include <stdint.h>
#include <stdlib.h>
#include <unleashed_signer.h>

#define GO_OUT_OF_MEMORY UINT32_MAX

// Calls unleashed_build_query with an unleashed_param array made here, in C memory, from what Go may pass: the
// names and values back to back in text, and their byte lengths in lens (name, value, name, value, ...). The
// array points into Go memory only during this call, and nothing is kept.
static unleashed_status go_build_query(const unleashed_key *key, const char *text, const size_t *lens,
                                       size_t params_len, unleashed_signed_form form, char *query_out,
                                       size_t query_out_len, size_t *needed, char *signature_out,
                                       size_t signature_out_len) {
    unleashed_param on_stack[16];
    unleashed_param *params = on_stack;
    if (params_len > sizeof on_stack / sizeof on_stack[0]) {
        params = params_len <= SIZE_MAX / sizeof *params ? malloc(params_len * sizeof *params) : NULL;
        if (params == NULL) return GO_OUT_OF_MEMORY;
    }
    for (size_t i = 0; i < params_len; i++) {
        params[i].name = text;
        params[i].name_len = lens[2 * i];
        text += lens[2 * i];
        params[i].value = text;
        params[i].value_len = lens[2 * i + 1];
        text += lens[2 * i + 1];
    }
    unleashed_status status = unleashed_build_query(key, params, params_len, form, query_out, query_out_len,
                                                    needed, signature_out, signature_out_len);
    if (params != on_stack) free(params);
    return status;
}
*/
import "C"

import "unsafe"

// Param is one query parameter as the user means it, not yet percent-encoded.
type Param struct {
	Name  string // must not be empty
	Value string
}

// BuildQuery joins params into name=value&name=value..., percent-encoding each name and value minimally (only
// A-Z a-z 0-9 - . _ ~ : , / @ are kept as they are), and signs the query in the given form. Put the query after
// the '?' of the URL: what is sent and what is signed cannot drift apart.
//
// Errors match ErrEmptyParameterName, ErrInvalidSignedForm or ErrKeyClosed.
func (k *Key) BuildQuery(params []Param, form SignedForm) (query, signature string, err error) {
	const op = "BuildQuery"
	// cgo forbids passing Go memory that holds Go pointers, so the names and values go to C back to back in one
	// buffer and their lengths in another, and C makes the unleashed_param array (go_build_query above).
	size := 1 // a spare byte, so that text always has an address
	for _, p := range params {
		size += len(p.Name) + len(p.Value)
	}
	text := make([]byte, size)
	lens := make([]C.size_t, 2*len(params)+1)
	at := 0
	for i, p := range params {
		at += copy(text[at:], p.Name)
		at += copy(text[at:], p.Value)
		lens[2*i], lens[2*i+1] = C.size_t(len(p.Name)), C.size_t(len(p.Value))
	}

	key := k.acquire()
	if key == nil {
		return "", "", closedError(op)
	}
	defer k.mu.RUnlock()
	// A first guess that fits queries with few escapes; C reports the whole size needed otherwise.
	buf := make([]byte, size+2*len(params)+32)
	out := make([]byte, C.UNLEASHED_SIGNATURE_BUFFER_LEN)
	var needed C.size_t
	for attempt := 0; ; attempt++ {
		status := C.go_build_query(key, (*C.char)(unsafe.Pointer(&text[0])), &lens[0], C.size_t(len(params)),
			C.unleashed_signed_form(form), (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &needed,
			(*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)))
		switch {
		case status == C.GO_OUT_OF_MEMORY:
			panic("unleashed: out of C memory for query parameters")
		case status == C.UNLEASHED_BUFFER_TOO_SMALL && attempt == 0 && int(needed) > len(buf):
			buf = make([]byte, int(needed))
			continue
		}
		if err := check(op, status); err != nil {
			return "", "", err
		}
		return string(buf[:needed-1]), signatureString(out), nil
	}
}
