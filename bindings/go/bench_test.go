package unleashed_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"testing"

	unleashed "example.invalid/unleashed-signer/bindings/go"
)

// Queries of the sizes Unleashed sees: a lookup, and a filtered list with dates.
var benchQueries = []struct{ name, query string }{
	{"17B", "customerCode=ACME"},
	{"153B", "orderStatus=Completed,Backordered,Parked&modifiedSince=2024-01-01T00:00:00&startDate=2024-01-01" +
		"&endDate=2024-12-31&customerCode=ACME&pageSize=500&page=12"},
}

// hmacSign is what a Go user writes with the standard library: HMAC-SHA256 of the query, base64 encoded.
func hmacSign(mac hash.Hash, sum []byte, query []byte) string {
	mac.Write(query)
	return base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
}

// ns per signature: this package through cgo, against crypto/hmac keyed for each request and reused with Reset.
// Each produces the signature as a string; all three are checked to agree first.
func BenchmarkSign(b *testing.B) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		b.Fatal(err)
	}
	defer key.Close()
	secretBytes := []byte(secret)
	for _, q := range benchQueries {
		query := []byte(q.query)
		want := key.Sign(q.query)
		if hmacSign(hmac.New(sha256.New, secretBytes), nil, query) != want {
			b.Fatalf("crypto/hmac disagrees with unleashed on %q", q.query)
		}
		b.Run(q.name+"/unleashed", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if key.Sign(q.query) != want {
					b.Fatal("wrong signature")
				}
			}
		})
		b.Run(q.name+"/hmac-per-request", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if hmacSign(hmac.New(sha256.New, secretBytes), nil, query) != want {
					b.Fatal("wrong signature")
				}
			}
		})
		b.Run(q.name+"/hmac-reset", func(b *testing.B) {
			b.ReportAllocs()
			mac := hmac.New(sha256.New, secretBytes)
			sum := make([]byte, 0, sha256.Size)
			for i := 0; i < b.N; i++ {
				mac.Reset()
				if hmacSign(mac, sum, query) != want {
					b.Fatal("wrong signature")
				}
			}
		})
	}
}

// ns to build and sign a query from parameters in one call (unleashed_build_query), for comparison with Sign.
func BenchmarkBuildQuery(b *testing.B) {
	key, err := unleashed.NewKey(secret)
	if err != nil {
		b.Fatal(err)
	}
	defer key.Close()
	params := []unleashed.Param{{Name: "customerName", Value: "Acme & Sons"}, {Name: "pageSize", Value: "500"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := key.BuildQuery(params, unleashed.Decoded); err != nil {
			b.Fatal(err)
		}
	}
}
