package execstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// A store command that keeps one file per field in a directory.
const fileStore = `d="$STORE_DIR"; case "$VIGIL_SECRET_OP" in put) cat > "$d/$VIGIL_SECRET_FIELD";; get) cat "$d/$VIGIL_SECRET_FIELD" 2>/dev/null || true;; *) exit 9;; esac`

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := New(fileStore, append(os.Environ(), "STORE_DIR="+dir))
	ctx := context.Background()
	if _, err := s.Get(ctx, "K"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get before Put: %v", err)
	}
	if err := s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v1"), "S": vigil.NewSecret("line\nbreak")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "K")); string(b) != "v1" {
		t.Errorf("stdin was %q, want the bare value", b)
	}
	for k, want := range map[string]string{"K": "v1", "S": "line\nbreak"} {
		if v, err := s.Get(ctx, k); err != nil || v.Reveal() != want {
			t.Errorf("Get %s = %q, %v", k, v.Reveal(), err)
		}
	}
}

func TestFailure(t *testing.T) {
	ctx := context.Background()
	s := New("echo 'vault says no' >&2; exit 3", nil)
	err := s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")})
	if err == nil || !strings.Contains(err.Error(), "vault says no") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("Put: %v", err)
	}
	if _, err := New("exit 1", nil).Get(ctx, "K"); err == nil {
		t.Error("Get with a failing command must fail")
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := New("sleep 5", nil).Put(canceled, map[string]vigil.Secret{"K": vigil.NewSecret("v")}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}
