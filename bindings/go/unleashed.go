// Package unleashed signs requests to the Unleashed inventory API through unleashed-signer's C library.
//
// Unleashed checks an api-auth-signature header on every request: the base64 HMAC-SHA256 of the query string,
// keyed with the API key's text. A [Key] holds a prepared key in C memory and signs with it; a [Transport] adds
// the five Unleashed headers to every request an [net/http.Client] sends. Every signature, percent-encoding and
// check is done by the C library (include/unleashed_signer.h), linked statically through pkg-config's
// unleashed-signer-static, which scripts/install.sh installs.
package unleashed

/*
#cgo pkg-config: unleashed-signer-static
#include <stdlib.h>
#include <unleashed_signer.h>

// scripts/install.sh's pkg-config files say which architecture their library is for: a build for another one stops
// here, naming both, instead of at the linker's "file in wrong format".
#if defined(UNLEASHED_SIGNER_LIB_X86_64) && !defined(__x86_64__)
#error "unleashed-signer: pkg-config found a linux-x64 (x86_64) library, but this build is for another GOARCH: \
install the library for it (linux-arm64: scripts/install.sh --target aarch64-unknown-linux-gnu) and point \
PKG_CONFIG_PATH at that prefix. Supported: linux/amd64, linux/arm64, windows/amd64"
#elif defined(UNLEASHED_SIGNER_LIB_AARCH64) && !defined(__aarch64__)
#error "unleashed-signer: pkg-config found a linux-arm64 (aarch64) library, but this build is for another GOARCH: \
install the library for it (linux-x64: scripts/install.sh --target x86_64-unknown-linux-gnu) and point \
PKG_CONFIG_PATH at that prefix. Supported: linux/amd64, linux/arm64, windows/amd64"
#endif
*/
import "C"

import "unsafe"

// Version is the version of this module, the workspace version of unleashed-signer. A test checks it against
// the header it was built with and the library linked.
const Version = "0.1.0"

// The names of the headers Unleashed checks, from the C header.
const (
	HeaderAPIAuthID        = C.UNLEASHED_HEADER_API_AUTH_ID
	HeaderAPIAuthSignature = C.UNLEASHED_HEADER_API_AUTH_SIGNATURE
	HeaderClientType       = C.UNLEASHED_HEADER_CLIENT_TYPE
)

// SignatureLen is the length of every signature: 44 base64 characters.
const SignatureLen = C.UNLEASHED_SIGNATURE_LEN

// SignedForm says which form of a query is signed.
type SignedForm uint32

const (
	// Decoded signs the percent-decoded query, as a person writes it: the default, and what Unleashed's
	// evidence favours.
	Decoded SignedForm = C.UNLEASHED_SIGNED_FORM_DECODED
	// Wire signs the query's bytes exactly as they are sent.
	Wire SignedForm = C.UNLEASHED_SIGNED_FORM_WIRE
)

// KeyFormat says how the secret given to [NewKeyWithFormat] is read.
type KeyFormat uint32

const (
	// KeyText uses the key text's own bytes as the HMAC key: Unleashed's way. Empty keys, whitespace (a pasted
	// trailing newline) and control characters are rejected.
	KeyText KeyFormat = C.UNLEASHED_KEY_FORMAT_TEXT
	// KeyBase64 decodes padded standard base64 and uses the decoded bytes; never right for Unleashed keys.
	KeyBase64 KeyFormat = C.UNLEASHED_KEY_FORMAT_BASE64
	// KeyRaw uses the bytes as they are; only an empty secret is rejected.
	KeyRaw KeyFormat = C.UNLEASHED_KEY_FORMAT_RAW
)

// Status is a C unleashed_status: why a call failed. The numbers are the C API's and never change.
type Status uint32

// The statuses of the C API (see include/unleashed_signer.h for each).
const (
	StatusOK                  Status = C.UNLEASHED_OK
	StatusPanic               Status = C.UNLEASHED_PANIC
	StatusNullPointer         Status = C.UNLEASHED_NULL_POINTER
	StatusInvalidLength       Status = C.UNLEASHED_INVALID_LENGTH
	StatusMisalignedPointer   Status = C.UNLEASHED_MISALIGNED_POINTER
	StatusBufferTooSmall      Status = C.UNLEASHED_BUFFER_TOO_SMALL
	StatusOverlappingBuffers  Status = C.UNLEASHED_OVERLAPPING_BUFFERS
	StatusKeyNotInitialised   Status = C.UNLEASHED_KEY_NOT_INITIALISED
	StatusInvalidKeyFormat    Status = C.UNLEASHED_INVALID_KEY_FORMAT
	StatusInvalidSignedForm   Status = C.UNLEASHED_INVALID_SIGNED_FORM
	StatusQueryNotInitialised Status = C.UNLEASHED_QUERY_NOT_INITIALISED
	StatusEmptyKey            Status = C.UNLEASHED_EMPTY_KEY
	StatusKeyWhitespace       Status = C.UNLEASHED_KEY_WHITESPACE
	StatusKeyControlCharacter Status = C.UNLEASHED_KEY_CONTROL_CHARACTER
	StatusKeyNotUTF8          Status = C.UNLEASHED_KEY_NOT_UTF8
	StatusInvalidBase64       Status = C.UNLEASHED_INVALID_BASE64
	StatusBase64KeyTooLong    Status = C.UNLEASHED_BASE64_KEY_TOO_LONG
	StatusInvalidKey          Status = C.UNLEASHED_INVALID_KEY
	StatusMalformedEscape     Status = C.UNLEASHED_MALFORMED_ESCAPE
	StatusEmptyParameterName  Status = C.UNLEASHED_EMPTY_PARAMETER_NAME
	StatusSignatureMismatch   Status = C.UNLEASHED_SIGNATURE_MISMATCH
	StatusInvalidAPIID        Status = C.UNLEASHED_INVALID_API_ID
	StatusInvalidClientType   Status = C.UNLEASHED_INVALID_CLIENT_TYPE
)

// String returns the C library's message for the status (unleashed_status_str), which says what to do.
func (s Status) String() string {
	return C.GoString(C.unleashed_status_str(C.uint32_t(s)))
}

// Error is a failed call: which one, and the C status saying why. Messages never contain key material.
//
// errors.Is(err, ErrKeyWhitespace) and the like match any *Error with the same Status; errors.As gives the
// *Error itself.
type Error struct {
	Op     string // the call that failed, such as "NewKey" or "Transport"
	Status Status // the C status
}

func (e *Error) Error() string {
	message := e.Status.String()
	if e.Status == StatusKeyNotInitialised {
		// The only way a Go caller meets an uninitialised key; the C message speaks of unleashed_key_init.
		message = "the Key is closed or nil: use it only between NewKey and Close"
	}
	if e.Op == "" {
		return "unleashed: " + message
	}
	return "unleashed: " + e.Op + ": " + message
}

// Is reports whether target is an *Error with the same Status, such as one of the Err variables.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status
}

// Sentinel errors for the common causes, to use with errors.Is.
var (
	ErrKeyClosed           error = &Error{Status: StatusKeyNotInitialised} // the Key was closed (or is nil)
	ErrEmptyKey            error = &Error{Status: StatusEmptyKey}
	ErrKeyWhitespace       error = &Error{Status: StatusKeyWhitespace} // usually a pasted trailing newline
	ErrKeyControlCharacter error = &Error{Status: StatusKeyControlCharacter}
	ErrKeyNotUTF8          error = &Error{Status: StatusKeyNotUTF8}
	ErrInvalidBase64       error = &Error{Status: StatusInvalidBase64}
	ErrInvalidKeyFormat    error = &Error{Status: StatusInvalidKeyFormat}
	ErrInvalidSignedForm   error = &Error{Status: StatusInvalidSignedForm}
	ErrMalformedEscape     error = &Error{Status: StatusMalformedEscape} // a % not followed by two hex digits
	ErrEmptyParameterName  error = &Error{Status: StatusEmptyParameterName}
	ErrInvalidAPIID        error = &Error{Status: StatusInvalidAPIID}
	ErrInvalidClientType   error = &Error{Status: StatusInvalidClientType}
)

// check turns a C status into nil or an *Error for op.
func check(op string, status C.unleashed_status) error {
	if status == C.UNLEASHED_OK {
		return nil
	}
	return &Error{Op: op, Status: Status(status)}
}

// LibraryVersion is the version of the C library linked, "MAJOR.MINOR.PATCH" (unleashed_version).
func LibraryVersion() string {
	return C.GoString(C.unleashed_version())
}

// headerVersion is the version of the header this package was compiled with.
const headerVersion = C.UNLEASHED_VERSION

// cString points C at the bytes of s, which C only reads during the call; nil for "".
// (unsafe.StringData needs Go 1.20: a string's first word is its data pointer.)
func cString(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(*(*unsafe.Pointer)(unsafe.Pointer(&s)))
}

// cBytes points C at the bytes of b, which C only reads during the call; nil for an empty slice.
func cBytes(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}
