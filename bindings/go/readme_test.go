package unleashed_test

import (
	"os"
	"strings"
	"testing"
)

// The README shows Example's code, exactly as `go test` runs it (with its // Output: lines).
func TestReadmeShowsExample(t *testing.T) {
	source, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, found := strings.Cut(string(source), "\nfunc Example() {\n")
	body, _, closed := strings.Cut(body, "\n}\n")
	if !found || !closed {
		t.Fatal("example_test.go has no func Example")
	}
	lines := strings.Split(body, "\n")
	for i, line := range lines {
		lines[i] = strings.TrimPrefix(line, "\t")
	}
	want := "```go\n" + strings.Join(lines, "\n") + "\n```\n"
	for _, readme := range []string{"README.md"} {
		text, err := os.ReadFile(readme)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), want) {
			t.Errorf("%s does not show Example's code; it should contain:\n%s", readme, want)
		}
	}
}
