package unleashed_test

import (
	"io"
	"net/http"
	"net/http/httptest"
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
// Transport signed every hop afresh, so the other origin got a valid signature for a query it chose.
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
		client := &http.Client{Transport: &unleashed.Transport{
			APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme/orderautomation", Key: key}}
		resp, err := client.Get(api.URL + "/Customers?customerCode=ACME")
		if err == nil {
			resp.Body.Close()
		}
		api.Close()
		if leaked := other.leaked(); len(leaked) > 0 {
			t.Fatalf("after a %d redirect, the other origin received %q", code, leaked)
		}
	}
}
