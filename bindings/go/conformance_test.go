package unleashed_test

import (
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	unleashed "example.invalid/unleashed-signer/bindings/go"
)

// The HTTP conformance suite (docs/http-contract.md), written by scripts/gen_http_conformance.py.
const conformanceFile = "../../testdata/http_conformance.txt"

type conformance struct {
	settings map[string]string   // form, key, api-id, client-type
	cases    []map[string]string // name, api-id, url, accept, expect, message, accept-received
}

func readConformance(t *testing.T) conformance {
	t.Helper()
	text, err := os.ReadFile(conformanceFile)
	if err != nil {
		t.Fatal(err)
	}
	c := conformance{settings: map[string]string{}}
	for _, line := range strings.Split(string(text), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		if kind != "case" {
			c.settings[kind] = rest
			continue
		}
		fields := map[string]string{}
		for _, field := range strings.Split(rest, " ") {
			name, value, _ := strings.Cut(field, "=")
			fields[name] = value
		}
		c.cases = append(c.cases, fields)
	}
	for _, name := range []string{"form", "key", "api-id", "client-type"} {
		if c.settings[name] == "" {
			t.Fatalf("%s has no %q line", conformanceFile, name)
		}
	}
	return c
}

// startTwoOrigins starts testing/mock_unleashed.py --other-origin: the main origin and the recording other one.
func startTwoOrigins(t *testing.T, c conformance) (main, other string) {
	t.Helper()
	bases := runMock(t, c.settings["api-id"], c.settings["key"], "--form", c.settings["form"], "--other-origin")
	return bases[0], bases[1]
}

func unhex(t *testing.T, field string) string {
	t.Helper()
	if field == "-" {
		return ""
	}
	b, err := hex.DecodeString(field)
	if err != nil {
		t.Fatalf("%q: %v", field, err)
	}
	return string(b)
}

// Every case of the suite through net/http and Transport, with Origin set and without it: 200 with the message
// and the one Accept the case names, or a refused redirect; and the other origin receives nothing at all.
func TestConformance(t *testing.T) {
	c := readConformance(t)
	if len(c.cases) < 15 {
		t.Fatalf("%d conformance cases, want 15 or more", len(c.cases))
	}
	key, err := unleashed.NewKey(c.settings["key"])
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	form := map[string]unleashed.SignedForm{"decoded": unleashed.Decoded, "wire": unleashed.Wire}[c.settings["form"]]
	main, other := startTwoOrigins(t, c)
	for _, origin := range []string{main, ""} {
		for _, tc := range c.cases {
			client := &http.Client{Transport: &unleashed.Transport{APIID: tc["api-id"],
				ClientType: c.settings["client-type"], Key: key, Form: form, Origin: origin}}
			req, err := http.NewRequest(http.MethodGet, main+unhex(t, tc["url"]), nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc["accept"] != "-" {
				req.Header.Set("Accept", tc["accept"])
			}
			result := conformanceCase(t, client, req, tc, other)
			t.Logf("conformance go (Origin %q) %s: %s", origin, tc["name"], result)
			if result != "ok" {
				t.Errorf("case %s (Origin %q): %s", tc["name"], origin, result)
			}
		}
	}
	resp, err := http.Get(other + "/_received")
	if err != nil {
		t.Fatal(err)
	}
	received, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(received) != 0 {
		t.Errorf("the other origin received:\n%s", received)
	}
}

// conformanceCase sends req and says "ok" or what was wrong.
func conformanceCase(t *testing.T, client *http.Client, req *http.Request, tc map[string]string, other string) string {
	resp, err := client.Do(req)
	if tc["expect"] == "refused" {
		var refused *unleashed.RedirectRefusedError
		if err == nil {
			resp.Body.Close()
			return "followed, want refused"
		}
		if !errors.As(err, &refused) || !strings.HasPrefix(refused.Location.String(), other+"/") {
			return "failed otherwise: " + err.Error()
		}
		return "ok"
	}
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	lines := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		name, value, _ := strings.Cut(line, " ")
		lines[name] = append(lines[name], value)
	}
	message := tc["message"]
	if message == "-" {
		message = ""
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		return resp.Status
	case strings.Join(lines["origin"], ",") != "main":
		return "origin lines " + strings.Join(lines["origin"], ",")
	case strings.Join(lines["message"], ",") != message:
		return "message " + strings.Join(lines["message"], ",")
	case strings.Join(lines["accept"], "|") != tc["accept-received"]:
		return "Accept received " + strings.Join(lines["accept"], "|")
	case len(lines["content-type"]) > 1:
		return "Content-Type received " + strings.Join(lines["content-type"], "|")
	}
	return "ok"
}
