package serve

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func version(f *fixture, id int64) string { return strconv.Itoa(f.status(id).Version) }

// TestTriage: a member acknowledges, resolves and ignores, each written
// to the incident's timeline with who and why; wrong changes are refused
// with the entry kept.
func TestTriage(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	c := f.login("mia", "member")
	page := idPath("/incidents/%d", id)
	res, _ := c.post(page+"/status", url.Values{"to": {"acknowledged"}, "version": {version(f, id)}, "back": {page}})
	if res.StatusCode != http.StatusSeeOther || f.status(id).Status != "acknowledged" {
		t.Fatalf("acknowledge: %d, status %s", res.StatusCode, f.status(id).Status)
	}
	res, body := c.post(page+"/status", url.Values{"to": {"resolved"}, "version": {version(f, id)}, "comment": {"rotated by hand"}, "back": {page}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "needs a reason") || !strings.Contains(body, "rotated by hand") {
		t.Fatalf("resolve without a reason: %d", res.StatusCode)
	}
	res, body = c.post(page+"/status", url.Values{"to": {"ignored"}, "reason": {"used_in_tests"}, "version": {version(f, id)}, "back": {page}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "comment is required") {
		t.Fatalf("ignore without a comment: %d", res.StatusCode)
	}
	res, _ = c.post(page+"/status", url.Values{"to": {"ignored"}, "reason": {"used_in_tests"}, "comment": {"fixture of the test suite"}, "version": {version(f, id)}, "back": {page}})
	if res.StatusCode != http.StatusSeeOther || f.status(id).StatusReason != "used_in_tests" {
		t.Fatalf("ignore: %d %+v", res.StatusCode, f.status(id))
	}
	_, body = c.get(page)
	mustContain(t, body, "mia", "changed the status from acknowledged to ignored", "fixture of the test suite", "test credential")
	evs, _ := f.st.Events(context.Background(), id)
	if last := evs[len(evs)-1]; last.Actor != "mia" || last.Comment != "fixture of the test suite" {
		t.Errorf("last event = %+v", last)
	}
}

// TestConcurrentEdit: two people open the same incident; the later
// change is refused, the later person is told who changed it and to
// what, and their entry comes back filled in.
func TestConcurrentEdit(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	page := idPath("/incidents/%d", id)
	ann, bob := f.login("ann", "member"), f.login("bob", "member")
	seen := version(f, id) // both opened the page at this version
	res, _ := ann.post(page+"/status", url.Values{"to": {"resolved"}, "reason": {"revoked"}, "version": {seen}, "back": {page}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ann: %d", res.StatusCode)
	}
	res, body := bob.post(page+"/status", url.Values{"to": {"ignored"}, "reason": {"false_positive"}, "comment": {"bob's careful reasoning"}, "version": {seen}, "back": {page}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("bob: %d, want 409", res.StatusCode)
	}
	mustContain(t, body, "ann changed this incident", "bob&#39;s careful reasoning", "It is now resolved", "draft_comment=bob")
	if in := f.status(id); in.Status != "resolved" || in.StatusReason != "revoked" {
		t.Errorf("bob's stale change was applied: %+v", in)
	}
	// The retry link fills bob's form again.
	_, page2 := bob.get(page + "?draft_to=ignored&draft_reason=false_positive&draft_comment=bob%27s+careful+reasoning")
	mustContain(t, page2, `value="ignored" checked`, "bob&#39;s careful reasoning</textarea>", `value="false_positive" selected`)
	// The API says the same with 409 and the incident as it is now.
	tok := f.token("bob", "member")
	code, js := f.api("POST", "/api"+page+"/status", tok, map[string]any{"to": "acknowledged", "version": seen})
	if code != http.StatusConflict || !strings.Contains(js, `"current"`) {
		t.Errorf("API conflict: %d %s", code, js)
	}
}

// TestIncidentDeleted: an incident deleted upstream (its repository
// removed) gets a clear 404, and a change to it keeps what was typed.
func TestIncidentDeleted(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	c := f.login("mia", "member")
	v := version(f, id)
	if _, err := f.st.DB().Exec("DELETE FROM fleet_incidents WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	page := idPath("/incidents/%d", id)
	res, body := c.get(page)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "may have been deleted") {
		t.Fatalf("GET a deleted incident: %d", res.StatusCode)
	}
	res, body = c.post(page+"/status", url.Values{"to": {"resolved"}, "reason": {"revoked"}, "comment": {"my long note"}, "version": {v}, "back": {page}})
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "my long note") {
		t.Fatalf("POST to a deleted incident: %d", res.StatusCode)
	}
}

// TestForgedForm: a POST without the session's CSRF token, or with
// another session's, changes nothing.
func TestForgedForm(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	mia, eve := f.login("mia", "member"), f.login("eve", "member")
	page := idPath("/incidents/%d", id)
	for name, tok := range map[string]string{"none": "", "another session's": eve.csrf, "made up": "x"} {
		res, body := mia.post(page+"/status", url.Values{"csrf": {tok}, "to": {"resolved"}, "reason": {"revoked"}, "version": {version(f, id)}, "back": {page}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "did not come from this console") {
			t.Errorf("%s token: %d", name, res.StatusCode)
		}
	}
	if f.status(id).Status != "open" {
		t.Fatal("a forged form changed the incident")
	}
	for _, p := range []string{"/logout", "/account/tokens", idPath("/repositories/%d/scan", f.repo)} {
		if res, _ := mia.post(p, url.Values{"csrf": {""}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", p, res.StatusCode)
		}
	}
}

// TestStaleSession: a change posted after the session ended is not made;
// signing in again leads back to the page with the entry filled in.
func TestStaleSession(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	c := f.login("mia", "member")
	f.advance(9 * 60 * 60 * 1e9) // past the idle time
	page := idPath("/incidents/%d", id)
	res, _ := c.post(page+"/status", url.Values{"to": {"ignored"}, "reason": {"wont_fix"}, "comment": {"accepted by the CISO"}, "version": {version(f, id)}, "back": {page}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?expired=1&next=") {
		t.Fatalf("stale POST: %d → %q", res.StatusCode, loc)
	}
	if f.status(id).Status != "open" {
		t.Fatal("a stale session changed the incident")
	}
	_, body := c.get(loc)
	mustContain(t, body, "was <strong>not</strong> saved")
	u, _ := url.Parse(loc)
	next := u.Query().Get("next")
	res, _ = c.signIn("mia", pw("mia"), next)
	if got := res.Header.Get("Location"); got != next {
		t.Fatalf("after signing in: → %q, want %q", got, next)
	}
	_, body = c.get(next)
	mustContain(t, body, "accepted by the CISO</textarea>", `value="ignored" checked`, `value="wont_fix" selected`)
}

// TestDatabaseOutage: with the database gone, pages and the API say so
// (503), and a change posted keeps what was typed.
func TestDatabaseOutage(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	c := f.login("mia", "member")
	tok := f.token("mia", "member")
	v := version(f, id)
	f.conn.Close()
	res, body := c.get("/")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "database is not answering") {
		t.Fatalf("GET / with the database down: %d\n%s", res.StatusCode, body)
	}
	page := idPath("/incidents/%d", id)
	res, body = c.post(page+"/status", url.Values{"to": {"resolved"}, "reason": {"revoked"}, "comment": {"revoked in the console at 10:02"}, "version": {v}, "back": {page}})
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "revoked in the console at 10:02") {
		t.Fatalf("POST with the database down: %d", res.StatusCode)
	}
	if code, js := f.api("GET", "/api/incidents", tok, nil); code != http.StatusServiceUnavailable || !strings.Contains(js, "database") {
		t.Errorf("API with the database down: %d %s", code, js)
	}
	if res, _ := c.get("/healthz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz with the database down: %d", res.StatusCode)
	}
}

// TestJobsAndAudit: re-verify and scan now reach the fleet's queue and
// are written down.
func TestJobsAndAudit(t *testing.T) {
	f := newFixture(t)
	id := f.incident("fp-1", "github-pat", "a.txt")
	c := f.login("mia", "member")
	if res, _ := c.post(idPath("/incidents/%d/reverify", id), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reverify: %d", res.StatusCode)
	}
	if res, _ := c.post(idPath("/repositories/%d/scan", f.repo), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("scan: %d", res.StatusCode)
	}
	if res, _ := c.post("/repositories/999/scan", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("scan of an unknown repository: %d", res.StatusCode)
	}
	if len(f.jobs.reverify) != 1 || f.jobs.reverify[0] != id || len(f.jobs.scans) != 1 || f.jobs.scans[0] != f.repo {
		t.Fatalf("jobs: %+v", f.jobs)
	}
	log, _ := f.st.AuditLog(context.Background(), 10, 0)
	if log[0].Action != "scan_requested" || log[0].Actor != "mia" {
		t.Errorf("audit trail: %+v", log[0])
	}
}

// TestUsersAndTokens: admins add users (no duplicates, passwords of 12
// characters), the last admin stays; a token is shown once.
func TestUsersAndTokens(t *testing.T) {
	f := newFixture(t)
	c := f.login("ada", "admin")
	if res, _ := c.post("/users", url.Values{"name": {"bob"}, "role": {"member"}, "password": {"bob-password-123"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add bob: %d", res.StatusCode)
	}
	for name, form := range map[string]url.Values{
		"duplicate":      {"name": {"bob"}, "role": {"member"}, "password": {"bob-password-123"}},
		"short password": {"name": {"cat"}, "role": {"member"}, "password": {"short"}},
		"bad name":       {"name": {"a b<c>"}, "role": {"member"}, "password": {"cat-password-123"}},
		"bad role":       {"name": {"cat"}, "role": {"owner"}, "password": {"cat-password-123"}},
	} {
		if res, _ := c.post("/users", form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	ada, _ := f.st.UserByName(context.Background(), "ada")
	if res, body := c.post(idPath("/users/%d", ada.ID), url.Values{"role": {"viewer"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "last admin") {
		t.Errorf("demote the last admin: %d", res.StatusCode)
	}
	res, body := c.post("/account/tokens", url.Values{"name": {"ci"}})
	m := strings.Index(body, "vigil_")
	if res.StatusCode != http.StatusCreated || m < 0 {
		t.Fatalf("create token: %d", res.StatusCode)
	}
	tok := body[m : m+len("vigil_")+43]
	if code, _ := f.api("GET", "/api/incidents", tok, nil); code != http.StatusOK {
		t.Fatalf("the new token: %d", code)
	}
	if _, again := c.get("/account"); strings.Contains(again, tok) {
		t.Error("the token is shown a second time")
	}
	bob := f.login("bob", "member")
	if res, _ := bob.post(idPath("/account/tokens/%d/revoke", 1), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("bob revoked ada's token: %d", res.StatusCode)
	}
	if code, _ := f.api("GET", "/api/incidents", tok, nil); code != http.StatusOK {
		t.Fatalf("ada's token after bob's try: %d", code)
	}
}
