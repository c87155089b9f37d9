package unleashed_test

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	unleashed "example.invalid/unleashed-signer/bindings/go"
)

// The shared test data, written by scripts/gen_vectors.py with Python's hmac (format in the file's header).
const vectorsFile = "../../testdata/vectors.txt"

type vector struct {
	line      int
	kind      string // sign, url or query
	keyFormat string // text, raw or base64
	key       []byte
	form      string // "-" for sign, else decoded or wire
	signed    unleashed.SignedForm
	input     []byte // the message or URL (sign, url)
	params    []unleashed.Param
	wire      []byte // the query as sent (url, query)
	signature string
}

// field decodes a hex field; "-" is empty.
func field(t testing.TB, line int, s string) []byte {
	t.Helper()
	if s == "-" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("%s:%d: bad hex %q: %v", vectorsFile, line, s, err)
	}
	return b
}

func readVectors(t testing.TB) []vector {
	t.Helper()
	f, err := os.Open(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vectors []vector
	scanner := bufio.NewScanner(f)
	scanner.Buffer(nil, 1<<20)
	for line := 1; scanner.Scan(); line++ {
		text := scanner.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 7 {
			t.Fatalf("%s:%d: want 7 fields, got %d", vectorsFile, line, len(f))
		}
		v := vector{line: line, kind: f[0], keyFormat: f[1], key: field(t, line, f[2]), form: f[3],
			wire: field(t, line, f[5]), signature: f[6]}
		switch v.form {
		case "decoded":
			v.signed = unleashed.Decoded
		case "wire":
			v.signed = unleashed.Wire
		case "-":
		default:
			t.Fatalf("%s:%d: unknown form %q", vectorsFile, line, v.form)
		}
		switch v.kind {
		case "sign", "url":
			v.input = field(t, line, f[4])
		case "query":
			for _, pair := range strings.Split(f[4], ",") {
				name, value, ok := strings.Cut(pair, ":")
				if !ok {
					t.Fatalf("%s:%d: parameter %q has no ':'", vectorsFile, line, pair)
				}
				v.params = append(v.params, unleashed.Param{
					Name: string(field(t, line, name)), Value: string(field(t, line, value))})
			}
		default:
			t.Fatalf("%s:%d: unknown kind %q", vectorsFile, line, v.kind)
		}
		vectors = append(vectors, v)
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	if len(vectors) == 0 {
		t.Fatalf("%s holds no vectors", vectorsFile)
	}
	return vectors
}

// newKeys prepares the vector's key every way the API offers for its format.
func (v vector) newKeys(t testing.TB) []*unleashed.Key {
	t.Helper()
	var keys []*unleashed.Key
	add := func(k *unleashed.Key, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s:%d: %v", vectorsFile, v.line, err)
		}
		t.Cleanup(k.Close)
		keys = append(keys, k)
	}
	switch v.keyFormat {
	case "text":
		add(unleashed.NewKey(string(v.key)))
		add(unleashed.NewKeyFromBytes(v.key))
		add(unleashed.NewKeyWithFormat(v.key, unleashed.KeyText))
	case "raw":
		add(unleashed.NewKeyWithFormat(v.key, unleashed.KeyRaw))
	case "base64":
		add(unleashed.NewKeyWithFormat(v.key, unleashed.KeyBase64))
	default:
		t.Fatalf("%s:%d: unknown key format %q", vectorsFile, v.line, v.keyFormat)
	}
	return keys
}

// tampered is sig with its first character changed.
func tampered(sig string) string {
	if sig[0] == 'A' {
		return "B" + sig[1:]
	}
	return "A" + sig[1:]
}

// checkVector checks every call that the vector covers, returning a description of the first mismatch.
func checkVector(key *unleashed.Key, v vector) string {
	form := v.signed
	switch v.kind {
	case "sign":
		if got := key.Sign(string(v.input)); got != v.signature {
			return "Sign = " + got
		}
		if got, err := key.SignQuery(string(v.input), unleashed.Wire); got != v.signature || err != nil {
			return "SignQuery(Wire) = " + got
		}
		if !key.Verify(string(v.input), v.signature) {
			return "Verify rejects the signature"
		}
		if key.Verify(string(v.input), tampered(v.signature)) || key.Verify(string(v.input)+"x", v.signature) {
			return "Verify accepts a wrong signature"
		}
	case "url":
		if got, err := key.SignURL(string(v.input), form); got != v.signature || err != nil {
			return "SignURL = " + got
		}
		if got, err := key.SignQuery(string(v.wire), form); got != v.signature || err != nil {
			return "SignQuery of the URL's query = " + got
		}
		h, err := key.Headers("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "acme/test", string(v.input), form)
		if err != nil || h.Get(unleashed.HeaderAPIAuthSignature) != v.signature {
			return "Headers' signature = " + h.Get(unleashed.HeaderAPIAuthSignature)
		}
	case "query":
		query, sig, err := key.BuildQuery(v.params, form)
		if err != nil || query != string(v.wire) || sig != v.signature {
			return "BuildQuery = " + query + " " + sig
		}
		// The query built is what goes on the wire; signed in the same form, it gives the same signature.
		if got, err := key.SignQuery(query, form); got != v.signature || err != nil {
			return "SignQuery of the built query = " + got
		}
	}
	return ""
}

func TestVectors(t *testing.T) {
	counts := map[string]int{}
	for _, v := range readVectors(t) {
		for _, key := range v.newKeys(t) {
			if mismatch := checkVector(key, v); mismatch != "" {
				t.Errorf("%s:%d (%s %s %s): %s, want %s", vectorsFile, v.line, v.kind, v.keyFormat, v.form,
					mismatch, v.signature)
			}
		}
		counts[v.kind]++
	}
	for _, kind := range []string{"sign", "url", "query"} {
		if counts[kind] == 0 {
			t.Errorf("no %s vectors were checked", kind)
		}
	}
	t.Logf("checked %d sign, %d url and %d query vectors", counts["sign"], counts["url"], counts["query"])
}

// One key, used by 8 goroutines at once, gives every vector of that key's signature, again and again.
func TestOneKeyFromEightGoroutines(t *testing.T) {
	byKey := map[string][]vector{}
	for _, v := range readVectors(t) {
		if v.keyFormat == "text" {
			byKey[string(v.key)] = append(byKey[string(v.key)], v)
		}
	}
	var vectors []vector
	for _, vs := range byKey {
		if len(vs) > len(vectors) {
			vectors = vs
		}
	}
	key, err := unleashed.NewKey(string(vectors[0].key))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()

	const goroutines, rounds = 8, 2000
	var wg sync.WaitGroup
	failures := make(chan string, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				v := vectors[(g+r)%len(vectors)]
				if mismatch := checkVector(key, v); mismatch != "" {
					failures <- mismatch
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	t.Logf("%d goroutines checked %d vectors each, %d distinct", goroutines, rounds, len(vectors))
}

// The key text: no error message may contain it.
const secret = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="

func TestBadKeys(t *testing.T) {
	for _, c := range []struct {
		name   string
		key    []byte
		format unleashed.KeyFormat
		want   error
	}{
		{"empty", nil, unleashed.KeyText, unleashed.ErrEmptyKey},
		{"empty raw", []byte{}, unleashed.KeyRaw, unleashed.ErrEmptyKey},
		{"trailing newline", []byte(secret + "\n"), unleashed.KeyText, unleashed.ErrKeyWhitespace},
		{"inner space", []byte(secret[:10] + " " + secret[10:]), unleashed.KeyText, unleashed.ErrKeyWhitespace},
		{"control character", []byte(secret + "\x7f"), unleashed.KeyText, unleashed.ErrKeyControlCharacter},
		{"not UTF-8", []byte(secret + "\xff"), unleashed.KeyText, unleashed.ErrKeyNotUTF8},
		{"bad base64", []byte(secret + "="), unleashed.KeyBase64, unleashed.ErrInvalidBase64},
		{"unknown format", []byte(secret), unleashed.KeyFormat(9), unleashed.ErrInvalidKeyFormat},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, err := unleashed.NewKeyWithFormat(c.key, c.format)
			if k != nil || !errors.Is(err, c.want) {
				t.Fatalf("NewKeyWithFormat: %v, %v; want an error matching %v", k, err, c.want)
			}
			var e *unleashed.Error
			if !errors.As(err, &e) || e.Op != "NewKeyWithFormat" || e.Status != c.want.(*unleashed.Error).Status {
				t.Fatalf("error %#v does not carry the call and status", err)
			}
			if !strings.Contains(err.Error(), e.Status.String()) || strings.Contains(err.Error(), secret[:12]) {
				t.Fatalf("message %q lacks the C message or shows the key", err)
			}
			if c.format == unleashed.KeyText {
				if _, err := unleashed.NewKey(string(c.key)); !errors.Is(err, c.want) {
					t.Fatalf("NewKey: %v, want %v", err, c.want)
				}
				if _, err := unleashed.NewKeyFromBytes(c.key); !errors.Is(err, c.want) {
					t.Fatalf("NewKeyFromBytes: %v, want %v", err, c.want)
				}
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	const apiID, clientType = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "acme/orderautomation"
	check := func(what string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want an error matching %v", what, err, want)
		}
		if err != nil && strings.Contains(err.Error(), secret[:12]) {
			t.Errorf("%s: message %q shows the key", what, err)
		}
	}
	_, err = key.SignQuery("a=100%", unleashed.Decoded)
	check("SignQuery %", err, unleashed.ErrMalformedEscape)
	_, err = key.SignURL("/Customers?a=%zz", unleashed.Decoded)
	check("SignURL %zz", err, unleashed.ErrMalformedEscape)
	_, err = key.SignURL("/Customers?a=%zz", unleashed.Wire) // the wire form signs it as it is
	check("SignURL %zz wire", err, nil)
	_, err = key.SignQuery("a=b", unleashed.SignedForm(7))
	check("SignQuery form 7", err, unleashed.ErrInvalidSignedForm)
	_, _, err = key.BuildQuery([]unleashed.Param{{"a", "b"}, {"", "c"}}, unleashed.Decoded)
	check("BuildQuery empty name", err, unleashed.ErrEmptyParameterName)
	_, _, err = key.BuildQuery(nil, unleashed.SignedForm(2))
	check("BuildQuery form 2", err, unleashed.ErrInvalidSignedForm)
	for _, id := range []string{"", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5g"} {
		_, err = key.Headers(id, clientType, "/Customers", unleashed.Decoded)
		check("Headers API id "+id, err, unleashed.ErrInvalidAPIID)
	}
	for _, ct := range []string{"", "acme", "acme/", "acme/order automation", strings.Repeat("a", 60) + "/abcd"} {
		_, err = key.Headers(apiID, ct, "/Customers", unleashed.Decoded)
		check("Headers client type "+ct, err, unleashed.ErrInvalidClientType)
	}
	_, err = key.Headers(apiID, clientType, "/Customers?q=%", unleashed.Decoded)
	check("Headers %", err, unleashed.ErrMalformedEscape)

	// Empty inputs are valid: the empty query has a signature, and an empty parameter list builds it.
	query, sig, err := key.BuildQuery(nil, unleashed.Decoded)
	if err != nil || query != "" || sig != key.Sign("") {
		t.Errorf("BuildQuery(nil) = %q, %q, %v; want the empty query and its signature", query, sig, err)
	}
	if got, err := key.SignURL("/Customers", unleashed.Decoded); err != nil || got != key.Sign("") {
		t.Errorf("SignURL without a query = %q, %v; want the empty query's signature", got, err)
	}
}

func TestClosedKey(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	key.Close()
	key.Close() // twice is fine
	_, err = key.SignURL("/Customers?a=b", unleashed.Decoded)
	if !errors.Is(err, unleashed.ErrKeyClosed) {
		t.Errorf("SignURL after Close: %v", err)
	}
	_, _, err = key.BuildQuery([]unleashed.Param{{"a", "b"}}, unleashed.Wire)
	if !errors.Is(err, unleashed.ErrKeyClosed) {
		t.Errorf("BuildQuery after Close: %v", err)
	}
	for name, call := range map[string]func(){
		"Sign":   func() { key.Sign("a=b") },
		"Verify": func() { key.Verify("a=b", "x") },
	} {
		func() {
			defer func() {
				if err, _ := recover().(error); !errors.Is(err, unleashed.ErrKeyClosed) {
					t.Errorf("%s after Close: want a panic matching ErrKeyClosed, got %v", name, err)
				}
			}()
			call()
		}()
	}
	if msg := err.Error(); msg != "unleashed: BuildQuery: the Key is closed or nil: use it only between NewKey and Close" {
		t.Errorf("BuildQuery after Close says %q", msg)
	}
	var nilKey *unleashed.Key
	if _, err := nilKey.SignQuery("a=b", unleashed.Wire); !errors.Is(err, unleashed.ErrKeyClosed) {
		t.Errorf("SignQuery on a nil *Key: %v", err)
	}
}

// More parameters than go_build_query keeps on its stack, and a query far longer than BuildQuery's first guess:
// each parameter comes back in order (url.QueryUnescape reads %XX, and BuildQuery writes '+' and ' ' as %2B and
// %20), and the signatures are those of the query as built (Wire) and of the parameters as given (Decoded).
func TestBuildQueryMany(t *testing.T) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	var params []unleashed.Param
	var decoded []string
	for i := 0; i < 40; i++ {
		p := unleashed.Param{Name: fmt.Sprintf("näme %d", i), Value: strings.Repeat("ü+&=%# ", i)}
		params = append(params, p)
		decoded = append(decoded, p.Name+"="+p.Value)
	}
	for _, form := range []unleashed.SignedForm{unleashed.Wire, unleashed.Decoded} {
		query, sig, err := key.BuildQuery(params, form)
		if err != nil {
			t.Fatal(err)
		}
		pairs := strings.Split(query, "&")
		if len(pairs) != len(params) {
			t.Fatalf("%d parameters in %q, want %d", len(pairs), query, len(params))
		}
		for i, pair := range pairs {
			name, value, _ := strings.Cut(pair, "=")
			name, err1 := url.QueryUnescape(name)
			value, err2 := url.QueryUnescape(value)
			if err1 != nil || err2 != nil || name != params[i].Name || value != params[i].Value {
				t.Fatalf("parameter %d came back as %q=%q from %q", i, name, value, pair)
			}
		}
		want := key.Sign(query)
		if form == unleashed.Decoded {
			want = key.Sign(strings.Join(decoded, "&"))
		}
		if sig != want {
			t.Errorf("form %d: signature %s, want %s", form, sig, want)
		}
	}
}
