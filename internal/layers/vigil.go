package layers

import "strings"

// Vigil is the layering vigil's packages keep. Each rule says why; the
// exceptions are the ones that hold today, each a decision to revisit
// rather than a precedent.
func Vigil() []Rule {
	return []Rule{
		{
			Why:  "a source only reads: whoever embeds a file walker or a history reader must not get the matcher, the verifiers or the reporters with it",
			From: func(p Package) bool { return Under("./source")(p.ImportPath) },
			To:   Under("./rules", "./report", "./verify"),
			// Through any path, not only directly.
			Indirect: true,
		},
		{
			Why:  "internal packages carry no promise of stability: a public package exposes none of them, and uses only those listed",
			From: public,
			To:   Internal,
			Except: []string{
				// The fleet runs the same audit and exposure check as
				// the commands, as jobs; it is run by cmd/vigil.
				"./fleet -> ./internal/audit",
				"./fleet -> ./internal/exposure",
				// A [[twilio]] account's credential is read from a
				// secret store through the same reader as the
				// commands' --credentials-store.
				"./fleet -> ./internal/secretstore",
				"./fleet/conf -> ./internal/secretstore",
				"./fleet/enumerate -> ./internal/ctxtime",
				"./passphrase -> ./passphrase/internal/guess",
				"./report -> ./internal/atomicfile",
				"./report -> ./internal/escape",
				"./report -> ./internal/sarifout",
				"./rules -> ./internal/glob",
				// The console drives the same audit, exposure and
				// rotation as the commands do; it is served by
				// cmd/vigil, not meant for embedding.
				"./serve -> ./internal/audit",
				"./serve -> ./internal/exposure",
				"./serve -> ./internal/rotate",
				"./serve -> ./internal/secretstore",
				"./source/files -> ./internal/glob",
				"./source/git -> ./internal/glob",
				"./twilio/rest -> ./internal/endpoint",
				"./verify -> ./internal/ctxtime",
				"./verify -> ./internal/endpoint",
			},
		},
		{
			Why:    "metrics are the proxy's and the command's: a library that imported Prometheus would register its collectors in every program that embeds it",
			From:   func(p Package) bool { return Local(p.ImportPath) },
			To:     Under("github.com/prometheus"),
			Except: []string{"./webhook/proxy", "./cmd/vigil"},
		},
		{
			Why:  "cloud SDKs are heavy: only the secret stores that talk to those clouds may import them",
			From: func(p Package) bool { return Local(p.ImportPath) && !Under("./internal/secretstore")(p.ImportPath) },
			To:   cloudSDK,
		},
		{
			Why:  "the OCI library is heavy: only the image source, and the fleet that lists registries, may import it",
			From: func(p Package) bool { return Local(p.ImportPath) },
			To:   Under("github.com/google/go-containerregistry"),
			// internal/imagetest builds test images; only tests import it.
			Except: []string{"./source/image", "./fleet", "./cmd/vigil", "./internal/imagetest"},
		},
		{
			Why:  "the parts of zxcvbn that build their dictionaries when the program starts would cost every run of vigil that time and memory: only passphrase/internal/guess's tests may import them",
			From: func(p Package) bool { return Local(p.ImportPath) },
			To: func(imp string) bool {
				return imp == "github.com/trustelem/zxcvbn" || Under("github.com/trustelem/zxcvbn/matching", "github.com/trustelem/zxcvbn/frequency")(imp)
			},
			Indirect: true,
		},
		{
			Why:      "these modules are in go.mod's test-only block: a package that tests do not alone use must not need them",
			From:     func(p Package) bool { return Local(p.ImportPath) },
			To:       Under("github.com/creack/pty", "github.com/rogpeppe/go-internal", "golang.org/x/tools", "github.com/kylelemons/godebug", "github.com/dlclark/regexp2"),
			Indirect: true,
		},
	}
}

// public reports whether p is a package others may import: in the module,
// not internal, not a command, and not one of the benchmarks.
func public(p Package) bool {
	return Local(p.ImportPath) && !Internal(p.ImportPath) && p.Name != "main" && !Under("./bench", "./cmd")(p.ImportPath)
}

// cloudSDK reports whether imp belongs to a cloud provider's or a secret
// manager's client library.
func cloudSDK(imp string) bool {
	for _, prefix := range []string{
		"github.com/aws/",
		"github.com/hashicorp/vault/",
		"cloud.google.com/",
		"google.golang.org/api/",
		"github.com/Azure/",
		"github.com/cyberark/",
	} {
		if strings.HasPrefix(imp, prefix) {
			return true
		}
	}
	return false
}
