package serve

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/testenv"
)

// browser is a headless Chromium (Debian's package) driven over CDP.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string // screenshots
}

// newBrowser starts Chromium with a fresh profile. Screenshots go to
// $VIGIL_SCREENSHOT_DIR when set (to look at them), else a temporary
// directory.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := testenv.NeedProgram(t, "chromium")
	dir := os.Getenv("VIGIL_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true)}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: base, dir: dir}
}

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// get runs an action that reads a value.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

func (b *browser) text() string {
	b.t.Helper()
	return get(b, "read the page", chromedp.Text(chromedp.CSS("body")))
}

func (b *browser) location() string {
	b.t.Helper()
	return strings.TrimPrefix(get(b, "read the address", chromedp.Location()), b.base)
}

// shot saves a full-page screenshot, with nothing focused (the keyboard
// checks leave the skip link showing).
func (b *browser) shot(name string) {
	b.t.Helper()
	b.run("blur", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
	png := get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	p := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

// await reloads a page until its text holds want.
func (b *browser) await(path, want string) {
	b.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b.open(path)
		if strings.Contains(b.text(), want) {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never showed %q:\n%s", path, want, b.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor waits until the browser's address holds want and the page has
// loaded (after a click that navigates).
func (b *browser) waitFor(want string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		// A read that the navigation under way cuts short ("Inspected
		// target navigated or closed") is tried again.
		loc, err := chromedp.Run(b.ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, want) {
			if ready, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.readyState")); err == nil && ready == "complete" {
				return
			}
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the browser is at %s (%v), never at …%s…", loc, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// a11y checks the page as a screen reader and a keyboard user meet it:
// every control has a label, every table header a scope, text contrast
// at least 4.5:1, and the first Tab lands on "Skip to content".
func (b *browser) a11y(page string) {
	b.t.Helper()
	problems := get(b, "accessibility of "+page, chromedp.Evaluate[[]string](a11yScript))
	for _, p := range problems {
		b.t.Errorf("%s: %s", page, p)
	}
}

// a11yScript returns a list of problems. Contrast is computed from the
// computed colours of each text's element and its nearest opaque
// background (WCAG 2 relative luminance).
const a11yScript = `(() => {
  const out = [];
  const labelled = el => (el.id && document.querySelector('label[for="' + el.id + '"]')) || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    if (!labelled(el)) out.push('a control without a label: ' + el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll('button, a')) {
    if (!(el.innerText || '').trim() && !el.getAttribute('aria-label')) out.push('a control without a name: ' + el.outerHTML.slice(0, 120));
  }
  for (const th of document.querySelectorAll('thead th')) {
    if (!th.getAttribute('scope')) out.push('a column header without scope: ' + th.innerText);
  }
  if (!document.documentElement.lang) out.push('no lang on <html>');
  if (document.querySelectorAll('h1').length !== 1) out.push('want one h1, have ' + document.querySelectorAll('h1').length);
  const rgb = s => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest('svg') || el.closest('.sr') || el.closest('.skip')) continue;
    seen.add(el);
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none') continue;
    const fg = rgb(st.color), b = bg(el);
    const l1 = lum(fg), l2 = lum(b);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) out.push('contrast ' + ratio.toFixed(2) + ':1 for "' + n.textContent.trim().slice(0, 40) + '"');
  }
  return out;
})()`

// firstTab presses Tab once and names what has the focus.
func (b *browser) firstTab() string {
	b.t.Helper()
	b.run("tab", chromedp.KeyEvent("\t"))
	return get(b, "focus", chromedp.Evaluate[string](`(document.activeElement.innerText || document.activeElement.name || '').trim()`))
}

// phoneCutOff lists what runs past the right edge of a phone's screen
// or must be scrolled sideways to be read.
const phoneCutOff = `[...document.querySelectorAll('main *')].filter(e =>
  e.getBoundingClientRect().right > window.innerWidth + 1 || (e.classList.contains('scroll') && e.scrollWidth > e.clientWidth + 1))
  .map(e => e.tagName.toLowerCase() + (e.getAttribute('class') ? '.' + e.getAttribute('class') : ''))`

// TestBrowser drives the console in headless Chromium as a person would:
// sign in, look at the overview, filter the incidents, triage one, rotate
// a Twilio key against the emulator (dry run, live journal, confirm), at
// desktop and phone widths, checking accessibility on each page.
func TestBrowser(t *testing.T) {
	tf := newTwilioFixture(t)
	for i, rule := range []string{"github-pat", "aws-access-key", "slack-webhook"} {
		tf.fixture.incident(fmt.Sprintf("fp-%d", i), rule, fmt.Sprintf("src/config%d.yml", i))
	}
	tf.repoFailed()
	tf.user("mia", "admin")
	b := newBrowser(t, tf.ts.URL)

	b.open("/incidents")
	if loc := b.location(); !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("without a session: at %s, want the sign-in page", loc)
	}
	b.a11y("sign-in")
	b.shot("01-login")
	b.run("sign in", chromedp.SendKeys(chromedp.ID("#username"), "mia"), chromedp.SendKeys(chromedp.ID("#password"), pw("mia")),
		chromedp.Click(chromedp.CSS("form button[type=submit]")))
	b.waitFor("/incidents")

	b.open("/")
	if got := b.firstTab(); got != "Skip to content" {
		t.Errorf("the first Tab focuses %q, want the skip link", got)
	}
	mustContain(t, b.text(), "open incidents", "new this week", "Trend", "acme/legacy", "deleted upstream")
	b.a11y("overview")
	b.shot("02-overview")

	b.open("/incidents")
	b.run("filter by provider", chromedp.SetValue(chromedp.ID("#f-provider"), "twilio"), chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)))
	b.waitFor("provider=twilio")
	if loc, txt := b.location(), b.text(); !strings.Contains(loc, "provider=twilio") || !strings.Contains(txt, "1 incident match") || strings.Contains(txt, "github-pat") {
		t.Errorf("filtered by twilio: at %s, page %q", loc, txt)
	}
	b.a11y("incidents")
	b.shot("03-incidents-filtered")

	page := idPath("/incidents/%d", tf.incident)
	b.open(page)
	b.run("acknowledge", chromedp.Click(chromedp.CSS(`input[name=to][value=acknowledged]`)),
		chromedp.SendKeys(chromedp.ID("#comment"), "looking into it"), chromedp.Click(chromedp.CSS(`.triage form button[type=submit]`)))
	b.waitFor("done=status")
	if in := tf.status(tf.incident); in.Status != store.StatusAcknowledged {
		t.Fatalf("after triage in the browser: %s", in.Status)
	}
	mustContain(t, b.text(), "The incident's status was changed", "looking into it")
	b.a11y("incident")
	b.shot("04-incident")

	b.run("rotate", chromedp.Click(chromedp.Search(`//a[contains(., "Rotate")]`)))
	b.waitFor("/rotate")
	mustContain(t, b.text(), "dry run", "create a new standard API key")
	b.a11y("rotation plan")
	b.shot("05-rotate-plan")
	b.run("start", chromedp.Click(chromedp.Search(`//button[contains(., "Start the rotation")]`)))
	b.waitFor("/rotations/")
	rot := strings.SplitN(b.location(), "?", 2)[0]
	b.await(rot, "Yes, revoke the old credential")
	b.a11y("rotation")
	b.shot("06-rotation-confirm")
	b.run("confirm", chromedp.Click(chromedp.Search(`//button[contains(., "Yes, revoke")]`)))
	b.waitFor("done=confirmed")
	b.await(rot, "finish done")
	b.shot("07-rotation-done")
	if in := tf.awaitResolved(tf.incident); in.Status != store.StatusResolved || in.StatusReason != store.ReasonRotated {
		t.Errorf("after the rotation: %s (%s)", in.Status, in.StatusReason)
	}
	if strings.Contains(b.text(), tf.old.Secret.Reveal()) || strings.Contains(b.text(), tf.field("TWILIO_API_SECRET")) {
		t.Fatal("the rotation page shows a secret")
	}

	b.run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, p := range []struct{ path, name string }{{"/", "08-phone-overview"}, {"/incidents", "09-phone-incidents"}, {page, "10-phone-incident"}} {
		b.open(p.path)
		if get(b, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
			t.Errorf("%s is wider than a phone's screen", p.path)
		}
		// Nor is anything cut off inside it: a table to scroll sideways,
		// a chart wider than the screen.
		if cut := get(b, "cut off", chromedp.Evaluate[[]string](phoneCutOff)); len(cut) > 0 {
			t.Errorf("%s on a phone cuts off %v", p.path, cut)
		}
		b.a11y(p.name)
		b.shot(p.name)
	}

	// The checks catch what they look for: a page with a faint text and
	// an unlabelled field fails them. (The CSP refuses style attributes
	// in markup: the colour is set through the CSSOM.)
	b.run("spoil the page", chromedp.Evaluate[chromedp.Void](`(() => { const m = document.querySelector('main'); const p = document.createElement('p');
  p.textContent = 'faint'; p.style.color = '#bbb'; m.append(p); m.insertAdjacentHTML('beforeend', '<input name="x">'); })()`))
	if problems := get(b, "check a spoilt page", chromedp.Evaluate[[]string](a11yScript)); len(problems) != 2 {
		t.Errorf("the accessibility checks found %q on a page with two problems", problems)
	}
}

// repoFailed marks the fixture's repository's last scan as failed.
func (tf *twilioFixture) repoFailed() {
	tf.t.Helper()
	id, err := tf.st.UpsertRepository(context.Background(), store.Repository{Name: "acme/legacy", URL: "https://github.com/acme/legacy.git", Kind: "git"})
	if err == nil {
		err = tf.st.RepositoryFailed(context.Background(), id, "fetch: repository not found (deleted upstream?)", false)
	}
	if err != nil {
		tf.t.Fatal(err)
	}
	_ = http.StatusOK
}
