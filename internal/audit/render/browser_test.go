package render

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/testenv"
)

// TestHTMLInChromium opens the HTML report in headless Chromium and checks
// the screenshot is a rendered page, not an error or a blank sheet. Set
// VIGIL_KEEP_SCREENSHOT=DIR to keep the PNG for a look.
func TestHTMLInChromium(t *testing.T) {
	chromium := testenv.NeedProgram(t, "chromium")
	dir := t.TempDir()
	page := filepath.Join(dir, "audit.html")
	var buf bytes.Buffer
	if err := HTML(&buf, neglectedReport(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "audit.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1280,2000", "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot is %v", b)
	}
	// The page has a red FAILED banner and green pass figures: count the
	// strongly red and green pixels.
	var red, green int
	for y := 0; y < img.Bounds().Dy(); y += 2 {
		for x := 0; x < img.Bounds().Dx(); x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			switch {
			case r > 150 && g < 80 && b < 80:
				red++
			case g > 100 && r < 90 && b < 120:
				green++
			}
		}
	}
	if red < 200 || green < 50 {
		t.Errorf("the screenshot does not look like the report: %d red, %d green pixels", red, green)
	}
	if keep := os.Getenv("VIGIL_KEEP_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		_ = os.WriteFile(filepath.Join(keep, "audit.png"), data, 0o644)
	}
}
