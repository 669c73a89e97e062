package rules

import (
	"path"
	"strings"
)

// isSourceFile reports whether a path is program source, where unquoted
// values are expressions; config files (.env, .yaml, .properties) hold
// literals.
func isSourceFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".go", ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts", ".rb",
		".php", ".cs", ".c", ".h", ".cc", ".cpp", ".hpp", ".rs", ".swift", ".scala", ".groovy", ".vue",
		".m", ".mm", ".pl", ".lua", ".dart", ".ex", ".exs", ".clj", ".cljs", ".cljc", ".r", ".jl", ".fs", ".vb":
		return true
	}
	return false
}

type pathClass int

const (
	pathNormal   pathClass = iota
	pathTest               // tests, fixtures, examples
	pathDocs               // documentation
	pathNoise              // lock files, minified bundles, source maps, generated code
	pathMessages           // translations: the words a user interface shows
)

// pathKind classifies a path the way a reviewer would discount it.
func pathKind(p string) pathClass {
	low := strings.ToLower(p)
	base := path.Base(low)
	switch {
	case strings.HasSuffix(base, ".lock"), strings.HasSuffix(base, "-lock.json"), strings.HasSuffix(base, ".lock.json"),
		base == "go.sum", base == "pnpm-lock.yaml", strings.HasSuffix(base, ".min.js"),
		strings.HasSuffix(base, ".min.css"), strings.HasSuffix(base, ".map"), strings.HasSuffix(base, ".snap"),
		generatedCode(base), base == ".secrets.baseline":
		return pathNoise
	case translations(low):
		return pathMessages
	}
	switch path.Ext(base) {
	case ".md", ".rst", ".adoc", ".txt", ".html", ".htm":
		return pathDocs
	}
	for _, seg := range strings.Split(low, "/") {
		switch seg {
		case "docs", "doc", "documentation":
			return pathDocs
		case "test", "tests", "testdata", "__tests__", "spec", "specs", "fixtures", "fixture",
			"examples", "example", "samples", "sample", "mocks", "mock", "testing":
			return pathTest
		}
	}
	if strings.Contains(base, "_test.") || strings.Contains(base, ".test.") || strings.Contains(base, ".spec.") ||
		strings.HasPrefix(base, "test_") || strings.Contains(base, "example") || strings.Contains(base, "sample") {
		return pathTest
	}
	return pathNormal
}

// generatedCode reports whether a file name is that of code a tool
// generated (protobuf and gRPC stubs, Kubernetes deepcopy functions):
// its names and struct tags are the generator's, never a person's secret.
func generatedCode(base string) bool {
	for _, suffix := range []string{".pb.go", ".pb.gw.go", "_pb2.py", "_pb2_grpc.py", ".pb.cc", ".pb.h", "_pb.js", "_pb.d.ts", ".pb.swift"} {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return strings.HasPrefix(base, "zz_generated")
}

// translations reports whether a path holds user-interface messages in one
// or more languages (locales/, i18n/, lang/, translation.js): there
// "password" names a label, and its value is the word for it.
func translations(low string) bool {
	dir, base := path.Split(low)
	name := strings.TrimSuffix(base, path.Ext(base))
	switch name {
	case "translation", "translations", "messages", "strings", "i18n", "locale", "locales":
		return true
	}
	for _, seg := range strings.Split(dir, "/") {
		switch seg {
		case "locale", "locales", "i18n", "l10n", "lang", "translations", "translation":
			return true
		}
	}
	return false
}
