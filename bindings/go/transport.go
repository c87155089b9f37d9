package unleashed

/*
#include <unleashed_signer.h>
*/
import "C"

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unsafe"
)

const mediaTypeJSON = "application/json"

// Headers returns the five headers Unleashed checks on a request to url: api-auth-id (the API id in lower case),
// api-auth-signature (of url's query in the given form, as SignURL signs it), client-type, and Accept and
// Content-Type of application/json. Set them on the request, or let a Transport do it. The three signing values
// are exactly those the C library writes (unleashed_headers_for_url), the same bytes as every other runtime's.
//
// apiID is the account's API id, a 36-character GUID in either case; clientType names the integration as
// partner_or_account/app_name (for example "acme/orderautomation"). Errors match ErrInvalidAPIID,
// ErrInvalidClientType, ErrMalformedEscape, ErrInvalidSignedForm or ErrKeyClosed.
func (k *Key) Headers(apiID, clientType, url string, form SignedForm) (http.Header, error) {
	values, err := k.headerValues("Headers", apiID, clientType, url, form)
	if err != nil {
		return nil, err
	}
	h := make(http.Header, 5)
	setHeaders(h, values, true)
	return h, nil
}

// headerValues are the three signing header values of a request to url, as unleashed_headers_for_url writes them.
type headerValues struct {
	apiID, signature, clientType string
}

func (k *Key) headerValues(op, apiID, clientType, url string, form SignedForm) (headerValues, error) {
	key := k.acquire()
	if key == nil {
		return headerValues{}, closedError(op)
	}
	var out C.unleashed_headers
	status := C.unleashed_headers_for_url(key, cString(apiID), C.size_t(len(apiID)), cString(clientType),
		C.size_t(len(clientType)), cString(url), C.size_t(len(url)), C.unleashed_signed_form(form), &out,
		C.size_t(unsafe.Sizeof(out)))
	k.mu.RUnlock()
	if err := check(op, status); err != nil {
		return headerValues{}, err
	}
	return headerValues{
		apiID:      C.GoString(&out.api_id[0]),
		signature:  C.GoString(&out.signature[0]),
		clientType: C.GoString(&out.client_type[0]),
	}, nil
}

func checkIdentity(op, apiID, clientType string) error {
	if err := check(op, C.unleashed_api_id_validate(cString(apiID), C.size_t(len(apiID)))); err != nil {
		return err
	}
	return check(op, C.unleashed_client_type_validate(cString(clientType), C.size_t(len(clientType))))
}

// setHeaders sets the Unleashed headers on h; Accept and Content-Type only if h has none or replace is set.
func setHeaders(h http.Header, values headerValues, replace bool) {
	h.Set(HeaderAPIAuthID, values.apiID)
	h.Set(HeaderAPIAuthSignature, values.signature)
	h.Set(HeaderClientType, values.clientType)
	for _, name := range []string{"Accept", "Content-Type"} {
		if replace || len(h.Values(name)) == 0 {
			h.Set(name, mediaTypeJSON)
		}
	}
}

// Transport is an http.RoundTripper that signs the requests it sends to one origin (scheme, host and port) for
// Unleashed: it sets api-auth-id (the API id in lower case), api-auth-signature and client-type, exactly as the C
// library writes them, and Accept and Content-Type of application/json where the request has none.
//
// The signature is made from the request's own URL when it is sent, req.URL.RawQuery: the query bytes that go on
// the wire, signed in Form. A redirect the http.Client follows to the same origin is signed again for its own
// query. A redirect to any other origin is refused, whether or not the client would follow it: RoundTrip returns
// a *RedirectRefusedError instead of the 3xx response, and nothing is ever sent to that origin, since the signing
// headers are a credential that never leaves its origin (docs/http-contract.md). A request the caller makes to an
// origin other than Origin is not sent either (an *OriginError).
//
// The origin is Origin when set (recommended), else the origin of the request the caller made, the first of a
// redirect chain. The request given is not modified: a clone carries the headers.
//
//	client := &http.Client{Transport: &unleashed.Transport{APIID: apiID, ClientType: "acme/orderautomation", Key: key,
//		Origin: "https://api.unleashedsoftware.com"}}
type Transport struct {
	APIID      string            // the account's API id, a GUID such as "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
	ClientType string            // partner_or_account/app_name, such as "acme/orderautomation"
	Key        *Key              // the API key; the Transport does not close it
	Form       SignedForm        // Decoded (the zero value, and Unleashed's) or Wire
	Base       http.RoundTripper // sends the signed request; nil means http.DefaultTransport
	// Origin is the only origin signed for, "scheme://host[:port]" such as "https://api.unleashedsoftware.com".
	// Empty means the origin of each request the caller makes (redirects are not the caller's requests).
	Origin string
}

// RoundTrip signs a clone of req and sends it with the base transport. If req may not be signed (another origin)
// or signing fails, nothing is sent and an error is returned: a *RedirectRefusedError, an *OriginError, or an
// *Error with Op "Transport". req's body is closed either way, as http.RoundTripper asks.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	const op = "Transport"
	origin, err := t.origin(req)
	if err == nil {
		err = checkIdentity(op, t.APIID, t.ClientType)
	}
	if err == nil && !sameOrigin(req.URL, origin) {
		if req.Response != nil {
			err = &RedirectRefusedError{Response: req.Response, Location: req.URL, Origin: originString(origin)}
		} else {
			err = &OriginError{Origin: t.Origin, URL: req.URL.String()}
		}
	}
	var values headerValues
	if err == nil {
		// The query bytes that go on the wire; a '?' first, as the C call takes a URL.
		values, err = t.Key.headerValues(op, t.APIID, t.ClientType, "?"+req.URL.RawQuery, t.Form)
	}
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	signed := req.Clone(req.Context())
	if signed.Header == nil {
		signed.Header = make(http.Header, 5)
	}
	setHeaders(signed.Header, values, false)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(signed)
	if err != nil || !isRedirect(resp.StatusCode) {
		return resp, err
	}
	// Refused here, when the redirect comes back, whether or not the client follows it: the Transport cannot know.
	if next, err := resp.Location(); err == nil && !sameOrigin(next, origin) {
		resp.Body.Close()
		return nil, &RedirectRefusedError{Response: resp, Location: next, Origin: originString(origin)}
	}
	return resp, nil
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect,
		http.StatusPermanentRedirect:
		return true
	}
	return false
}

// origin is the origin req may be signed for: Origin, or that of the first request of req's redirect chain.
func (t *Transport) origin(req *http.Request) (*url.URL, error) {
	if t.Origin != "" {
		u, err := url.Parse(t.Origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, &OriginError{Origin: t.Origin}
		}
		return u, nil
	}
	first := req
	for first.Response != nil && first.Response.Request != nil {
		first = first.Response.Request
	}
	return first.URL, nil
}

// RedirectRefusedError is a redirect to another origin that Transport refused to send: the other origin received
// nothing. errors.As finds it through the *url.Error an http.Client returns.
type RedirectRefusedError struct {
	Response *http.Response // the redirect response, 301, 302, 303, 307 or 308 (its body already closed)
	Location *url.URL       // where it pointed
	Origin   string         // the origin the Transport signs for
}

func (e *RedirectRefusedError) Error() string {
	status := 0
	if e.Response != nil {
		status = e.Response.StatusCode
	}
	return fmt.Sprintf("unleashed: Transport: refused to follow a %d redirect from %s to another origin, %s: "+
		"signed requests never leave their origin; if you trust it, set Transport.Origin to it and request it "+
		"yourself", status, e.Origin, originString(e.Location))
}

// OriginError is a Transport whose Origin is not an origin such as "https://api.unleashedsoftware.com" (URL is
// empty), or a request the caller made to another origin than Origin (URL is that request's), which the Transport
// did not send.
type OriginError struct {
	Origin string // Transport.Origin
	URL    string // the request's URL, or "" when Origin itself is wrong
}

func (e *OriginError) Error() string {
	if e.URL == "" {
		return "unleashed: Transport: Origin " + strconv.Quote(e.Origin) +
			` is not an origin: give the scheme, host and port only, such as "https://api.unleashedsoftware.com"`
	}
	return "unleashed: Transport: a request to " + e.URL + " is not for " + e.Origin +
		", the only origin this Transport signs for: nothing was sent"
}

// sameOrigin reports whether a and b have the same scheme, host and port (a default port written or not).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) &&
		port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// originString is u's scheme://host[:port].
func originString(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}
