package unleashed

/*
#include <stdlib.h>
#include <unleashed_signer.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Key is a prepared API key, held in C memory that Close wipes and frees.
//
// A Key may sign and verify from many goroutines at once. After Close, the methods that return an error
// return one matching ErrKeyClosed, and Sign and Verify panic with it, as a closed key is a bug in the caller.
type Key struct {
	mu  sync.RWMutex     // read-held while C reads the key; write-held by Close
	key *C.unleashed_key // C memory of unleashed_key_size() bytes; nil once closed
}

// testHookCleared, when set by a test, receives a copy of the key storage after it was wiped, before it is freed.
var testHookCleared func(storage []byte)

// NewKey prepares the API key from Unleashed's API Access page: its text is the HMAC key.
//
// Errors match ErrEmptyKey, ErrKeyWhitespace (a pasted trailing newline or space), ErrKeyControlCharacter or
// ErrKeyNotUTF8. Go strings cannot be wiped; use NewKeyFromBytes to keep the key in memory you can wipe.
func NewKey(key string) (*Key, error) {
	return newKey("NewKey", cString(key), len(key), KeyText)
}

// NewKeyFromBytes prepares the API key from its text's bytes, as NewKey does; the C library keeps no pointer
// into key, so the caller may wipe it afterwards.
func NewKeyFromBytes(key []byte) (*Key, error) {
	return newKey("NewKeyFromBytes", cBytes(key), len(key), KeyText)
}

// NewKeyWithFormat prepares a key whose secret is read in the given format: KeyText as NewKeyFromBytes does,
// KeyBase64 or KeyRaw for services other than Unleashed that hand out binary secrets.
func NewKeyWithFormat(secret []byte, format KeyFormat) (*Key, error) {
	return newKey("NewKeyWithFormat", cBytes(secret), len(secret), format)
}

func newKey(op string, secret *C.char, n int, format KeyFormat) (*Key, error) {
	size := C.unleashed_key_size()
	// Zeroed, so that a key used before initialisation reliably reports that; malloc aligns to 16 bytes.
	storage := (*C.unleashed_key)(C.calloc(1, size))
	if storage == nil {
		panic("unleashed: out of C memory for a key")
	}
	if uintptr(unsafe.Pointer(storage))%8 != 0 {
		C.free(unsafe.Pointer(storage))
		return nil, &Error{Op: op, Status: StatusMisalignedPointer}
	}
	if err := check(op, C.unleashed_key_init(storage, secret, C.size_t(n), C.unleashed_key_format(format))); err != nil {
		C.free(unsafe.Pointer(storage))
		return nil, err
	}
	k := &Key{key: storage}
	runtime.SetFinalizer(k, (*Key).Close) // a backstop only: call Close
	return k, nil
}

// Close wipes the key's C memory (unleashed_key_clear) and frees it. It waits for calls in progress, and
// closing twice is fine.
func (k *Key) Close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		return
	}
	C.unleashed_key_clear(k.key)
	if testHookCleared != nil {
		testHookCleared(C.GoBytes(unsafe.Pointer(k.key), C.int(C.unleashed_key_size())))
	}
	C.free(unsafe.Pointer(k.key))
	k.key = nil
	runtime.SetFinalizer(k, nil)
}

// acquire read-locks k and returns its C key, or nil (and no lock held) if k is nil or closed.
func (k *Key) acquire() *C.unleashed_key {
	if k == nil {
		return nil
	}
	k.mu.RLock()
	if k.key == nil {
		k.mu.RUnlock()
		return nil
	}
	return k.key
}

func closedError(op string) error {
	return &Error{Op: op, Status: StatusKeyNotInitialised}
}

// signatureString turns the C library's output (44 characters and a NUL) into a string without copying it again.
func signatureString(out []byte) string {
	out = out[:SignatureLen]
	return *(*string)(unsafe.Pointer(&out)) // out is never written again (strings.Builder does the same)
}

// Sign returns the signature of query's bytes exactly as given: base64 HMAC-SHA256, 44 characters. That is the
// Wire form; SignQuery signs the Decoded form.
//
// It panics with an error matching ErrKeyClosed if k is closed.
func (k *Key) Sign(query string) string {
	key := k.acquire()
	if key == nil {
		panic(closedError("Sign"))
	}
	out := make([]byte, C.UNLEASHED_SIGNATURE_BUFFER_LEN)
	status := C.unleashed_sign(key, cString(query), C.size_t(len(query)), (*C.char)(unsafe.Pointer(&out[0])),
		C.size_t(len(out)))
	k.mu.RUnlock()
	if err := check("Sign", status); err != nil {
		panic(err) // only a bug can get here: the arguments are always valid
	}
	return signatureString(out)
}

// SignQuery returns the signature of a query string (no '?'): percent-decoded first for Decoded, as it is for
// Wire. Errors match ErrMalformedEscape (a '%' not followed by two hex digits, in the Decoded form),
// ErrInvalidSignedForm or ErrKeyClosed.
func (k *Key) SignQuery(query string, form SignedForm) (string, error) {
	return k.signQuery("SignQuery", query, form)
}

func (k *Key) signQuery(op, query string, form SignedForm) (string, error) {
	key := k.acquire()
	if key == nil {
		return "", closedError(op)
	}
	out := make([]byte, C.UNLEASHED_SIGNATURE_BUFFER_LEN)
	status := C.unleashed_sign_query(key, cString(query), C.size_t(len(query)), C.unleashed_signed_form(form),
		(*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)))
	k.mu.RUnlock()
	if err := check(op, status); err != nil {
		return "", err
	}
	return signatureString(out), nil
}

// SignURL returns the signature of a URL's query, in the given form: only the part after the first '?' and
// before any '#' is signed (nothing, when there is no '?'). url may be a full URL or a path and query such as
// "Customers?customerCode=ACME". Errors are those of SignQuery.
func (k *Key) SignURL(url string, form SignedForm) (string, error) {
	return k.signURL("SignURL", url, form)
}

func (k *Key) signURL(op, url string, form SignedForm) (string, error) {
	key := k.acquire()
	if key == nil {
		return "", closedError(op)
	}
	out := make([]byte, C.UNLEASHED_SIGNATURE_BUFFER_LEN)
	status := C.unleashed_sign_url(key, cString(url), C.size_t(len(url)), C.unleashed_signed_form(form),
		(*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)))
	k.mu.RUnlock()
	if err := check(op, status); err != nil {
		return "", err
	}
	return signatureString(out), nil
}

// Verify reports, in constant time, whether signature is this key's signature of message signed as it is
// (as Sign signs it).
//
// It panics with an error matching ErrKeyClosed if k is closed.
func (k *Key) Verify(message, signature string) bool {
	key := k.acquire()
	if key == nil {
		panic(closedError("Verify"))
	}
	status := C.unleashed_verify(key, cString(message), C.size_t(len(message)), cString(signature),
		C.size_t(len(signature)))
	k.mu.RUnlock()
	switch status {
	case C.UNLEASHED_OK:
		return true
	case C.UNLEASHED_SIGNATURE_MISMATCH:
		return false
	}
	panic(check("Verify", status)) // only a bug can get here: the arguments are always valid
}

// keySize is unleashed_key_size(), for tests.
func keySize() uintptr { return uintptr(C.unleashed_key_size()) }

// storage copies the key's C storage, for tests.
func (k *Key) storage() []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return C.GoBytes(unsafe.Pointer(k.key), C.int(C.unleashed_key_size()))
}
