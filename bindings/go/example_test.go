package unleashed_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	unleashed "example.invalid/unleashed-signer/bindings/go"
)

// The example in README.md and bindings/go/README.md (TestReadmeShowsExample checks they show this code).
func Example() {
	// A stand-in for https://api.unleashedsoftware.com that answers with what it received.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, r.URL.RequestURI(), r.Header.Get("api-auth-signature"))
	}))
	defer api.Close()

	// Made up: a real key is 86 characters from Unleashed's API Access page, used as text.
	key, err := unleashed.NewKey("ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==")
	if err != nil {
		log.Fatal(err) // says what to fix ("the API key contains whitespace: ..."), never the key
	}
	defer key.Close() // wipes the key's memory

	// Every request this client sends to api's origin is signed from the query it puts on the wire; a redirect
	// to any other origin is refused.
	client := &http.Client{Transport: &unleashed.Transport{
		APIID:      "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
		ClientType: "acme/orderautomation",
		Key:        key,
		Origin:     api.URL, // "https://api.unleashedsoftware.com" for the real API
	}}
	resp, err := client.Get(api.URL + "/Customers?customerCode=ACME")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(os.Stdout, resp.Body)

	// Or build a query, percent-encoded, with its signature, and send it with any client.
	query, signature, err := key.BuildQuery([]unleashed.Param{{Name: "customerName", Value: "Acme & Sons"}},
		unleashed.Decoded)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(query, signature)
	// Output:
	// /Customers?customerCode=ACME Lmr+WDwecTdchBME7udl6DiaogGW+Gj6HgP8U5JS9qQ=
	// customerName=Acme%20%26%20Sons V4bo96YVm6dc1vkj/RyYrcY9PM3m8Gg2cvtowqrRvNk=
}
