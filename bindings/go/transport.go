package unleashed

/*
#include <unleashed_signer.h>
*/
import "C"

import (
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
// Unleashed: it sets api-auth-id, api-auth-signature and client-type, and Accept and Content-Type of
// application/json where the request has none.
//
// The signature is made from the request's own URL when it is sent, req.URL.RawQuery: the query bytes that go on
// the wire, signed in Form. A redirect to the same origin is signed again for its own query. A request to any
// other origin, a redirect included, is sent without the three signing headers (any the request carries are
// removed): a signature grants access to every page of every list and never leaves its origin.
//
// The origin is Origin when set, else the origin of the request the caller made (the first of a redirect chain).
// The request given is not modified: a clone carries the headers.
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

// RoundTrip signs a clone of req, if req goes to the Transport's origin, and sends it with the base transport. If
// signing fails, nothing is sent and the error (an *Error with Op "Transport") is returned; req's body is closed
// either way, as http.RoundTripper asks.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	const op = "Transport"
	signed := req.Clone(req.Context())
	if signed.Header == nil {
		signed.Header = make(http.Header, 5)
	}
	origin, err := t.origin(req)
	if err == nil {
		err = checkIdentity(op, t.APIID, t.ClientType)
	}
	if err == nil && sameOrigin(req.URL, origin) {
		var values headerValues
		// The query bytes that go on the wire; a '?' first, as the C call takes a URL.
		values, err = t.Key.headerValues(op, t.APIID, t.ClientType, "?"+req.URL.RawQuery, t.Form)
		setHeaders(signed.Header, values, false)
	} else if err == nil {
		for _, name := range []string{HeaderAPIAuthID, HeaderAPIAuthSignature, HeaderClientType} {
			signed.Header.Del(name)
		}
	}
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(signed)
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

// OriginError says that Transport.Origin is not an origin such as "https://api.unleashedsoftware.com".
type OriginError struct {
	Origin string // the value given
}

func (e *OriginError) Error() string {
	return "unleashed: Transport: Origin " + strconv.Quote(e.Origin) +
		` is not an origin: give the scheme, host and port only, such as "https://api.unleashedsoftware.com"`
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
