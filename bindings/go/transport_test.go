package unleashed_test

import (
	"bufio"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	unleashed "example.invalid/unleashed-signer/bindings/go"
)

// The shared end-to-end cases (scripts/gen_e2e_cases.py): made-up credentials and the tricky queries.
const e2eFile = "../../testdata/e2e_cases.txt"

type e2eData struct {
	key, otherKey, apiID, clientType string
	cases                            [][]unleashed.Param
}

func readE2E(t *testing.T) e2eData {
	t.Helper()
	f, err := os.Open(e2eFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d e2eData
	scanner := bufio.NewScanner(f)
	for line := 1; scanner.Scan(); line++ {
		kind, rest, _ := strings.Cut(scanner.Text(), " ")
		switch kind {
		case "", "#":
		case "key":
			d.key = rest
		case "other-key":
			d.otherKey = rest
		case "api-id":
			d.apiID = rest
		case "client-type":
			d.clientType = rest
		case "case":
			var params []unleashed.Param
			for _, pair := range strings.Split(rest, ",") {
				name, value, _ := strings.Cut(pair, ":")
				params = append(params, unleashed.Param{
					Name: string(field(t, line, name)), Value: string(field(t, line, value))})
			}
			d.cases = append(d.cases, params)
		default:
			t.Fatalf("%s:%d: unknown line %q", e2eFile, line, kind)
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	if d.key == "" || d.otherKey == "" || d.apiID == "" || d.clientType == "" || len(d.cases) == 0 {
		t.Fatalf("%s lacks credentials or cases", e2eFile)
	}
	return d
}

// startMock starts testing/mock_unleashed.py checking signatures in form, and returns its base URL. It stops
// when the test ends (its stdin closes).
func startMock(t *testing.T, d e2eData, form string) string {
	t.Helper()
	return runMock(t, d.apiID, d.key, "--form", form)[0]
}

// runMock starts testing/mock_unleashed.py with args and returns the base URL of each origin it prints a port
// for: one, or two with --other-origin. It stops when the test ends (its stdin closes).
func runMock(t *testing.T, apiID, key string, args ...string) []string {
	t.Helper()
	cmd := exec.Command("python3", append([]string{"../../testing/mock_unleashed.py", "--lifetime", "300"}, args...)...)
	cmd.Env = append(os.Environ(), "MOCK_UNLEASHED_API_ID="+apiID, "MOCK_UNLEASHED_API_KEY="+key)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the mock (python3 is needed): %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	origins := 1
	for _, arg := range args {
		if arg == "--other-origin" {
			origins = 2
		}
	}
	lines := bufio.NewReader(stdout)
	bases := make([]string, origins)
	for i := range bases {
		port, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the mock's ports: %v", err)
		}
		bases[i] = "http://127.0.0.1:" + strings.TrimSpace(port)
	}
	return bases
}

// get sends a GET through client and returns the status and the mock's report ("name value" lines).
func get(t *testing.T, client *http.Client, target string) (int, map[string]string) {
	t.Helper()
	resp, err := client.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	report := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		name, value, _ := strings.Cut(line, " ")
		report[name] = value
	}
	return resp.StatusCode, report
}

// Every tricky query, built by BuildQuery or by url.Values, reaches the mock through net/http and Transport
// signed as it checks it, in both forms; a wrong key gets 403.
func TestTransportEndToEnd(t *testing.T) {
	d := readE2E(t)
	key, err := unleashed.NewKey(d.key)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	otherKey, err := unleashed.NewKey(d.otherKey)
	if err != nil {
		t.Fatal(err)
	}
	defer otherKey.Close()

	for _, form := range []struct {
		name string
		form unleashed.SignedForm
	}{{"decoded", unleashed.Decoded}, {"wire", unleashed.Wire}} {
		t.Run(form.name, func(t *testing.T) {
			base := startMock(t, d, form.name)
			client := &http.Client{Transport: &unleashed.Transport{
				APIID: d.apiID, ClientType: d.clientType, Key: key, Form: form.form}}
			for i, params := range d.cases {
				query, _, err := key.BuildQuery(params, form.form)
				if err != nil {
					t.Fatal(err)
				}
				// What the mock checked: the parameters as given (decoded) or the query as sent (wire).
				var decoded []string
				values := url.Values{}
				for _, p := range params {
					decoded = append(decoded, p.Name+"="+p.Value)
					values.Add(p.Name, p.Value)
				}
				message := query
				if form.form == unleashed.Decoded {
					message = strings.Join(decoded, "&")
				}
				status, report := get(t, client, base+"/Customers?"+query)
				if status != http.StatusOK || report["target"] != "/Customers?"+query ||
					report["message"] != hex.EncodeToString([]byte(message)) {
					t.Errorf("case %d (%s): %d %q", i+1, query, status, report)
				}
				// A query as Go writes it ('+' for spaces, sorted): Transport signs the bytes sent.
				if status, report := get(t, client, base+"/Products?"+values.Encode()); status != http.StatusOK {
					t.Errorf("case %d as url.Values (%s): %d %q", i+1, values.Encode(), status, report)
				}
			}

			wrong := &http.Client{Transport: &unleashed.Transport{
				APIID: d.apiID, ClientType: d.clientType, Key: otherKey, Form: form.form}}
			query, _, err := key.BuildQuery(d.cases[0], form.form)
			if err != nil {
				t.Fatal(err)
			}
			if status, _ := get(t, wrong, base+"/Customers?"+query); status != http.StatusForbidden {
				t.Errorf("a wrong key got %d, want 403", status)
			}
		})
	}
}

// Transport adds the headers to a clone, leaves the caller's request and headers alone, and sends the body.
func TestTransportRequest(t *testing.T) {
	d := readE2E(t)
	key, err := unleashed.NewKey(d.key)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	base := startMock(t, d, "decoded")
	client := &http.Client{Transport: &unleashed.Transport{APIID: d.apiID, ClientType: d.clientType, Key: key}}

	req, err := http.NewRequest(http.MethodPost, base+"/SalesOrders?customerCode=ACME", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/xml")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "body "+hex.EncodeToString([]byte(`{"a":1}`))) {
		t.Fatalf("POST: %d %q", resp.StatusCode, body)
	}
	for _, name := range []string{"Api-Auth-Id", "Api-Auth-Signature", "Client-Type", "Content-Type"} {
		if !strings.Contains(string(body), name) {
			t.Errorf("the mock received no %s header: %q", name, body)
		}
	}
	if len(req.Header) != 1 || req.Header.Get("Accept") != "application/xml" {
		t.Errorf("the caller's request was modified: %v", req.Header)
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// A Transport that cannot sign sends nothing, returns an error saying why, and closes the request's body.
func TestTransportErrors(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	sent := false
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { sent = true; return nil, errors.New("sent") })
	for _, c := range []struct {
		name      string
		transport *unleashed.Transport
		url       string
		want      error
	}{
		{"API id", &unleashed.Transport{APIID: "nope", ClientType: "acme/app", Key: key}, "/a?b=c", unleashed.ErrInvalidAPIID},
		{"client type", &unleashed.Transport{APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme", Key: key},
			"/a?b=c", unleashed.ErrInvalidClientType},
		{"escape", &unleashed.Transport{APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme/app", Key: key},
			"/a?b=100%", unleashed.ErrMalformedEscape},
		{"no key", &unleashed.Transport{APIID: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType: "acme/app"},
			"/a?b=c", unleashed.ErrKeyClosed},
	} {
		c.transport.Base = base
		body := &closeRecorder{Reader: strings.NewReader("x")}
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9"+c.url, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := (&http.Client{Transport: c.transport}).Do(req)
		if resp != nil || !errors.Is(err, c.want) || sent || !body.closed {
			t.Errorf("%s: %v, %v (sent %v, body closed %v); want an error matching %v", c.name, resp, err, sent,
				body.closed, c.want)
		}
	}
	key.Close()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Headers gives the five headers; Transport sets the same on the clone it sends, keeping a request's own Accept.
func TestHeaders(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	const apiID, clientType = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "acme/orderautomation"
	const target = "https://api.unleashedsoftware.com/Customers?customerName=Acme%20%26%20Sons"
	signature, err := key.SignQuery("customerName=Acme%20%26%20Sons", unleashed.Decoded)
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{
		"Api-Auth-Id":        {apiID},
		"Api-Auth-Signature": {signature},
		"Client-Type":        {clientType},
		"Accept":             {"application/json"},
		"Content-Type":       {"application/json"},
	}
	h, err := key.Headers(apiID, clientType, target, unleashed.Decoded)
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("Headers = %v, %v; want %v", h, err, want)
	}
	// An API id given in upper case goes out in lower case, as the C library writes it.
	h, err = key.Headers(strings.ToUpper(apiID), clientType, target, unleashed.Decoded)
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("Headers with the id in upper case = %v, %v; want %v", h, err, want)
	}

	var sent *http.Request
	transport := &unleashed.Transport{APIID: apiID, ClientType: clientType, Key: key,
		Base: roundTripFunc(func(r *http.Request) (*http.Response, error) { sent = r; return nil, errors.New("done") })}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/xml")
	req.Header.Set(unleashed.HeaderAPIAuthSignature, "stale") // replaced, never sent beside ours
	transport.RoundTrip(req)
	want.Set("Accept", "application/xml")
	if sent == nil || sent == req || !reflect.DeepEqual(sent.Header, want) {
		t.Errorf("Transport sent %v, want a clone with %v", sent, want)
	}
}
