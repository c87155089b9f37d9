package unleashed_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	unleashed "example.invalid/unleashed-signer/bindings/go"
)

// signingHeaders are the three headers that must never reach another origin.
var signingHeaders = []string{unleashed.HeaderAPIAuthID, unleashed.HeaderAPIAuthSignature, unleashed.HeaderClientType}

// recorder is a loopback origin that records every request it receives and answers 200.
type recorder struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests = append(r.requests, req)
		r.mu.Unlock()
		io.WriteString(w, "recorded\n")
	}))
	t.Cleanup(r.Close)
	return r
}

// leaked lists the signing headers among the requests the recorder received.
func (r *recorder) leaked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var found []string
	for _, req := range r.requests {
		for _, name := range signingHeaders {
			if value := req.Header.Get(name); value != "" {
				found = append(found, req.URL.RequestURI()+" "+name+": "+value)
			}
		}
	}
	return found
}

// A redirect from the origin the Transport signs for to another origin must not carry a signature to it: today's
// Transport signed every hop afresh, so the other origin got a valid signature for a query it chose. Now the hop
// is refused, so the other origin receives nothing, and the caller gets a *RedirectRefusedError.
func TestTransportNeverSignsForAnotherOrigin(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	other := newRecorder(t)
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/Customers?customerCode=STOLEN", code)
		}))
		for _, origin := range []string{"", api.URL} {
			client := &http.Client{Transport: &unleashed.Transport{
				APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme/orderautomation", Key: key,
				Origin: origin}}
			resp, err := client.Get(api.URL + "/Customers?customerCode=ACME")
			if err == nil {
				resp.Body.Close()
			}
			if leaked := other.leaked(); len(leaked) > 0 {
				t.Fatalf("after a %d redirect, the other origin received %q", code, leaked)
			}
			var refused *unleashed.RedirectRefusedError
			if !errors.As(err, &refused) || refused.Response.StatusCode != code ||
				refused.Location.String() != other.URL+"/Customers?customerCode=STOLEN" || refused.Origin != api.URL ||
				!strings.Contains(err.Error(), "refused to follow") {
				t.Errorf("a %d redirect to another origin (Origin %q): %v, want a *RedirectRefusedError", code, origin, err)
			}
		}
		api.Close()
	}
	if len(other.requests) != 0 {
		t.Errorf("the other origin received %d requests, want none", len(other.requests))
	}
}

// A client that does not follow redirects gets a same-origin 3xx as usual, and a cross-origin one refused all the
// same (docs/http-contract.md: the Transport sees the response before it can know what the client will do).
func TestTransportRefusesEvenWhenTheClientDoesNotFollow(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	other := newRecorder(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := "/next?page=2"
		if r.URL.Path == "/away" {
			target = other.URL + "/next?page=2"
		}
		http.Redirect(w, r, target, http.StatusFound)
	}))
	defer api.Close()
	client := &http.Client{
		Transport:     &unleashed.Transport{APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme/app", Key: key},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(api.URL + "/stay")
	if err != nil || resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/next?page=2" {
		t.Errorf("a same-origin redirect not followed: %v, %v; want the 302", resp, err)
	}
	if err == nil {
		resp.Body.Close()
	}
	var refused *unleashed.RedirectRefusedError
	if _, err := client.Get(api.URL + "/away"); !errors.As(err, &refused) || refused.Response.StatusCode != http.StatusFound {
		t.Errorf("a cross-origin redirect not followed: %v; want a *RedirectRefusedError", err)
	}
	if len(other.requests) != 0 {
		t.Errorf("the other origin received %d requests, want none", len(other.requests))
	}
}

// With Origin set, a request the caller makes to another origin is not sent; an Origin that is not an origin is
// an error that says what to give.
func TestTransportOrigin(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	other := newRecorder(t)
	transport := &unleashed.Transport{APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme/app", Key: key,
		Origin: "https://api.unleashedsoftware.com"}
	_, err = (&http.Client{Transport: transport}).Get(other.URL + "/Customers")
	var wrong *unleashed.OriginError
	if !errors.As(err, &wrong) || wrong.URL != other.URL+"/Customers" || len(other.requests) != 0 {
		t.Errorf("a request to another origin than Origin: %v (%d received), want an *OriginError", err,
			len(other.requests))
	}
	// The same origin, written with its default port, is signed.
	var sent *http.Request
	transport.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) { sent = r; return nil, errors.New("x") })
	transport.RoundTrip(httptest.NewRequest(http.MethodGet, "https://API.unleashedsoftware.com:443/Customers?a=b", nil))
	if sent == nil || sent.Header.Get(unleashed.HeaderAPIAuthSignature) == "" {
		t.Errorf("a request to the origin with its default port was not signed: %v", sent)
	}
	for _, origin := range []string{"api.unleashedsoftware.com", "ftp://x", "https://x/path", "https://x?q", "https://u@x"} {
		transport.Origin = origin
		_, err := transport.RoundTrip(httptest.NewRequest(http.MethodGet, "https://x/", nil))
		if !errors.As(err, &wrong) || wrong.URL != "" || !strings.Contains(err.Error(), "is not an origin") {
			t.Errorf("Origin %q: %v, want an *OriginError saying it is not an origin", origin, err)
		}
	}
}
