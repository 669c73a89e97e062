package passphrase

import (
	"strings"
	"testing"
)

func TestEstimate(t *testing.T) {
	tests := []struct {
		pw         string
		rating     string
		warning    string
		suggestion string
	}{
		{"password", "very weak", "one of the most common passwords", "uncommon words"},
		{"hjkl;'nm,./", "", "Keyboard patterns", ""},
		{"qwertyuiopasdfgh", "weak", "common password", ""},
		{"aaaaaaaaaaaaaaaaaaaa", "very weak", "Repeated", ""},
		{"abcdefghijklmnop", "very weak", "Sequences", ""},
		{"P@ssw0rdP@ssw0rd", "very weak", "", "look-alike symbols"},
		{"drowssapdrowssap", "very weak", "", "backwards"},
		{"Sunshine19901231", "", "", "years and dates"},
		{"mauve kettle orbits the quiet fjord", "strong", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			s := Estimate(tt.pw)
			if tt.rating != "" && s.Rating != tt.rating {
				t.Errorf("rating %q (%g guesses), want %q", s.Rating, s.Guesses, tt.rating)
			}
			if !strings.Contains(s.Warning, tt.warning) {
				t.Errorf("warning %q, want %q", s.Warning, tt.warning)
			}
			if tt.suggestion != "" && !strings.Contains(strings.Join(s.Suggestions, "|"), tt.suggestion) {
				t.Errorf("suggestions %q, want %q", s.Suggestions, tt.suggestion)
			}
			if s.Rating == "strong" && (s.Warning != "" || len(s.Suggestions) > 0) {
				t.Errorf("strong passphrase got advice: %q %q", s.Warning, s.Suggestions)
			}
			if !strings.HasPrefix(s.Summary, s.Rating+": about ") {
				t.Errorf("summary %q", s.Summary)
			}
		})
	}
	if s := Estimate("alicetwilioalice", "Alice", "twilio"); !strings.Contains(s.Warning, "context") {
		t.Errorf("context words: warning %q", s.Warning)
	}
}

func TestEstimateLongInputIsPartial(t *testing.T) {
	s := Estimate(strings.Repeat("x9!Q", 250))
	if !s.Partial || s.Guesses <= 1 {
		t.Errorf("partial=%v guesses=%g", s.Partial, s.Guesses)
	}
	if Estimate("short one").Partial {
		t.Error("short input marked partial")
	}
}

func TestHumanSeconds(t *testing.T) {
	tests := map[float64]string{
		0.5:       "less than a second",
		1:         "about a second",
		90:        "about 2 minutes",
		3600:      "about an hour",
		86400 * 3: "about 3 days",
		3.2e7:     "about a year",
		3.2e9:     "about a century",
		3.2e10:    "about 10 centuries",
		1e20:      "far longer than recorded history",
	}
	for in, want := range tests {
		if got := humanSeconds(in); got != want {
			t.Errorf("humanSeconds(%g) = %q, want %q", in, got, want)
		}
	}
	if got := powerOfTen(123); got != "123" {
		t.Errorf("powerOfTen(123) = %s", got)
	}
	if got := powerOfTen(2.5e12); got != "10^12" {
		t.Errorf("powerOfTen(2.5e12) = %s", got)
	}
}

func BenchmarkEstimate(b *testing.B) {
	for _, pw := range []string{"correct horse battery staple", strings.Repeat("a4@e3i1!|lo0s$5", 7)} {
		b.Run(pw[:8], func(b *testing.B) {
			for b.Loop() {
				Estimate(pw)
			}
		})
	}
}
