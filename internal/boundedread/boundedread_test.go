package boundedread

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is a reader that never ends, as /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestAll(t *testing.T) {
	ctx := context.Background()
	if got, err := All(ctx, strings.NewReader("{}\n"), 10, "x", nil); err != nil || string(got) != "{}\n" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := All(ctx, endless{}, 10<<20, "zeros", nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless input: %v", err)
	}
	refuse := func(b []byte) error {
		if b[0] != '{' {
			return errors.New("not JSON")
		}
		return nil
	}
	if _, err := All(ctx, endless{}, 1<<40, "zeros", refuse); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("refused at once: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := All(cancelled, endless{}, 1<<40, "zeros", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	short := io.LimitReader(endless{}, 100)
	if got, err := All(ctx, short, 100, "short", refuse); err == nil || got != nil {
		t.Fatalf("a short input is looked at too: %v", err)
	}
}
