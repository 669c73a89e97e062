package vigil_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/source/files"
)

// The scanner pipeline: the built-in rules compiled into a Matcher, a
// Source (here a stream; files.New walks directories, source/git reads
// histories), the Scanner that runs them, and a report. The report shows
// the secret redacted: only Secret.Reveal gives it in clear.
func Example() {
	set, err := rules.Default()
	if err != nil {
		log.Fatal(err)
	}
	matcher := rules.NewMatcher(set, rules.Options{})

	// A Twilio API key and its secret, made up at run time (never keep
	// real-looking credentials in source).
	keySID := fmt.Sprintf("SK%x", sha256.Sum256([]byte("key")))[:34]
	sum := sha256.Sum256([]byte("secret"))
	secret := strings.NewReplacer("+", "", "/", "").Replace(base64.StdEncoding.EncodeToString(sum[:]))[:32]
	config := "# settings.env\nTWILIO_API_KEY=" + keySID + "\nTWILIO_API_SECRET=" + secret + "\n"
	src := files.NewStream(strings.NewReader(config), "stdin", "settings.env", 0)

	var found []vigil.Finding
	sc := &vigil.Scanner{Matcher: matcher}
	stats, err := sc.Scan(context.Background(), src, func(f vigil.Finding) {
		found = append(found, f)
	})
	if err != nil {
		log.Fatal(err)
	}
	report.Sort(found)
	if err := report.Text(os.Stdout, &report.Report{Findings: found, Stats: stats}, report.TextOptions{}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// settings.env:3:19: twilio-api-key [high] Twilio API key secret
	//     secret: K7gN****(32)  api_key_sid: SK2c****(34)
	//     api_key_sid at settings.env:2:16
	//     hint: Rotate it now: 'vigil twilio rotate api-key --key SK…' creates, stores and checks a new key, then deletes this one.
}
