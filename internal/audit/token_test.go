package audit

import (
	"strings"
	"testing"
)

// TestTokenRotationJudgesOnlyWhatMonitorShows: Monitor keeps 30 days of
// events on some plans and 13 months on others. CRED-04 fails for want of
// a rotation only when Monitor shows the whole window; otherwise it is
// unknown and names the days it could not see.
func TestTokenRotationJudgesOnlyWhatMonitorShows(t *testing.T) {
	for _, tt := range []struct {
		name, events, maxAge string
		status               Status
		why                  string
	}{
		{"30 days shown, 90d window", "", "90d", Unknown,
			"no Auth Token rotation in the last 30d, all Monitor is known to show (since 2026-02-08); the 90d window reaches back to 2025-12-10, and a rotation between 2025-12-10 and 2026-02-08 cannot be seen"},
		{"30 days shown, 20d window", "", "20d", Fail, "no Auth Token rotation in Monitor since 2026-02-18, and Monitor shows that whole window"},
		{"13 months shown", "{type: phone-number.updated, date: -200d}", "90d", Fail, "no Auth Token rotation in Monitor since 2025-12-10, and Monitor shows that whole window"},
		{"recent rotation", "{type: account-auth-token.promoted, date: -10d}", "90d", Pass, "rotated on 2026-02-28, 10d ago"},
		{"old rotation seen", "{type: account-auth-token.promoted, date: -120d}", "90d", Fail, "last rotated on 2025-11-10, 120d ago: more than 90d"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seed := "accounts:\n  - {name: a, sid: " + sid('a') + ", created: -1000d, events: [" + tt.events + "]}\n"
			o := seededFixture(t, seed).options(t)
			var err error
			if o.MaxKeyAge, err = ParseAge(tt.maxAge); err != nil {
				t.Fatal(err)
			}
			r := find(t, mustRun(t, o), sid('a'), "CRED-04")
			if r.Status != tt.status || !strings.Contains(r.Summary, tt.why) {
				t.Errorf("%s %q; want %s %q", r.Status, r.Summary, tt.status, tt.why)
			}
		})
	}
}
