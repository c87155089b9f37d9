package unleashed

import (
	"bytes"
	"os"
	"regexp"
	"runtime"
	"testing"
	"time"
)

// Close wipes every byte of the key's C storage before freeing it.
func TestStorageZeroAfterClose(t *testing.T) {
	var wiped []byte
	testHookCleared = func(storage []byte) { wiped = storage }
	defer func() { testHookCleared = nil }()

	k, err := NewKey("ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==")
	if err != nil {
		t.Fatal(err)
	}
	size := int(keySize())
	before := k.storage()
	if len(before) != size || bytes.Count(before, []byte{0}) == size {
		t.Fatalf("the prepared key's %d bytes of storage look empty: the test cannot see the storage", size)
	}
	k.Close()
	if len(wiped) != size {
		t.Fatalf("Close passed %d bytes to the hook, want the %d of unleashed_key_size()", len(wiped), size)
	}
	if !bytes.Equal(wiped, make([]byte, size)) {
		t.Fatalf("key storage after Close is not all zero: %x", wiped)
	}
}

// A Key that is dropped without Close is still wiped, by its finalizer (a backstop, not the way to do it).
func TestFinalizerWipesDroppedKey(t *testing.T) {
	wiped := make(chan []byte, 1)
	testHookCleared = func(storage []byte) {
		select {
		case wiped <- storage:
		default: // never block the finalizer goroutine
		}
	}
	defer func() { testHookCleared = nil }()

	func() {
		if _, err := NewKey("a-key-nobody-closes"); err != nil {
			t.Fatal(err)
		}
	}()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		select {
		case storage := <-wiped:
			if !bytes.Equal(storage, make([]byte, keySize())) {
				t.Fatalf("the finalizer left key storage that is not all zero: %x", storage)
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("a dropped Key was not wiped by its finalizer within 5 s")
}

// Transport's zero Form is Decoded, as its documentation says; the number comes from the header.
func TestZeroFormIsDecoded(t *testing.T) {
	var transport Transport
	if transport.Form != Decoded {
		t.Fatalf("the zero SignedForm is %d, not Decoded (%d)", transport.Form, Decoded)
	}
}

// The package's version is the workspace version (Cargo.toml [workspace.package]), the header's and the library's.
func TestVersion(t *testing.T) {
	cargo, err := os.ReadFile("../../Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\[workspace\.package\]\n(?:[^\[].*\n)*?version = "([^"]+)"`).FindSubmatch(cargo)
	if m == nil {
		t.Fatal("no version in Cargo.toml's [workspace.package]")
	}
	for what, v := range map[string]string{"Cargo.toml": string(m[1]), "the header": headerVersion,
		"the library linked": LibraryVersion()} {
		if v != Version {
			t.Errorf("Version is %q but %s says %q", Version, what, v)
		}
	}
}

// The module ships the repository's licence files, unchanged.
func TestLicenceFiles(t *testing.T) {
	for _, name := range []string{"LICENSE-MIT", "LICENSE-APACHE"} {
		ours, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		root, err := os.ReadFile("../../" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, root) {
			t.Errorf("%s differs from the repository's: copy it again", name)
		}
	}
}

// The floor under every call: one cgo transition to a C function that does nothing but return a number.
func BenchmarkCgoCallFloor(b *testing.B) {
	for i := 0; i < b.N; i++ {
		keySize()
	}
}
