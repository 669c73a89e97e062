package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/internal/compat/gitleaks"
	"github.com/vigilsec/vigil/internal/compat/trufflehog"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/internal/suppress"
	"github.com/vigilsec/vigil/rules"
)

// configDirs are the directories a scan reads its configuration and
// ignore files from: the current one, and the single directory scanned.
func configDirs(paths []string) []string {
	dirs := []string{""}
	if len(paths) == 1 && paths[0] != "-" && paths[0] != "." {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			dirs = append(dirs, paths[0])
		}
	}
	return dirs
}

// loadConfig reads --config (vigil's, gitleaks' or trufflehog's format),
// or .vigil.toml from the current directory or the single directory being
// scanned; without one, a .gitleaks.toml there is read as gitleaks would.
func loadConfig(a *app, f scanFlags, paths []string) (*config.Config, error) {
	if f.noConfig {
		return nil, nil
	}
	if f.configPath != "" {
		c, err := readAnyConfig(f.configPath)
		if err != nil {
			return nil, usageError(fmt.Errorf("config: %w", err))
		}
		announceConverted(a, c)
		return c, nil
	}
	for _, d := range configDirs(paths) {
		c, err := config.Find(d)
		if err != nil {
			return nil, usageError(fmt.Errorf("config: %w", err))
		}
		if c != nil {
			return c, nil
		}
	}
	for _, d := range configDirs(paths) {
		p := filepath.Join(d, gitleaks.ConfigFileName)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		c, err := gitleaks.ReadConfig(p)
		if err != nil {
			return nil, withHint(usageError(fmt.Errorf("config: %w", err)), "vigil reads .gitleaks.toml when there is no .vigil.toml; --no-config skips it")
		}
		announceConverted(a, c)
		return c, nil
	}
	return nil, nil
}

// readAnyConfig reads a configuration in vigil's format, or converts
// gitleaks' TOML or trufflehog's YAML.
func readAnyConfig(path string) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseAnyConfig(path, data)
}

// parseAnyConfig parses configuration text in any of the formats
// readAnyConfig reads.
func parseAnyConfig(path string, data []byte) (*config.Config, error) {
	return parseAnyConfigWith(path, data, os.ReadFile)
}

// parseAnyConfigWith is parseAnyConfig reading the files a gitleaks
// configuration extends with read.
func parseAnyConfigWith(path string, data []byte, read func(string) ([]byte, error)) (*config.Config, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case ext == ".yaml" || ext == ".yml":
		return trufflehog.ConvertConfig(path, data)
	case gitleaks.LooksLikeConfig(data):
		return gitleaks.ConvertConfigWith(path, data, read)
	}
	return config.Parse(path, data)
}

// announceConverted says, once, that a configuration came from another
// scanner's format, and how to see what was not carried over.
func announceConverted(a *app, c *config.Config) {
	if c == nil || !c.Converted {
		return
	}
	tool := "gitleaks"
	if strings.HasSuffix(c.Path, ".yaml") || strings.HasSuffix(c.Path, ".yml") {
		tool = "trufflehog"
	}
	carried := "everything carried over"
	if n := len(c.Notes); n > 0 {
		carried = fmt.Sprintf("%d settings not carried over; -v lists them", n)
	}
	a.warnf("reading %s as a %s configuration (%s); 'vigil config import %s %s' writes the same as .vigil.toml",
		c.Path, tool, carried, tool, c.Path)
	for _, n := range c.Notes {
		a.logger.Debug("not carried over", "note", n)
	}
}

// ignoreFiles reads the .gitleaksignore files of the configuration
// directories, unless [compat] gitleaksignore = false.
func ignoreFiles(a *app, cfg *config.Config, paths []string) ([]*gitleaks.Ignore, error) {
	if !config.On(cfg.Compat.GitleaksIgnore) {
		return nil, nil
	}
	var out []*gitleaks.Ignore
	seen := map[string]bool{}
	for _, d := range configDirs(paths) {
		p := filepath.Join(d, gitleaks.IgnoreFileName)
		abs, _ := filepath.Abs(p)
		if seen[abs] {
			continue
		}
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, runtimeError(fmt.Errorf("read %s: %w", p, err), "")
		}
		seen[abs] = true
		ig := gitleaks.ParseIgnore(p, data)
		for _, inv := range ig.Invalid {
			a.warnf("%s: %s (skipped)", p, inv)
		}
		out = append(out, ig)
	}
	return out, nil
}

// readBaseline reads --baseline in any accepted format.
func readBaseline(path string) (*suppress.Baseline, error) {
	b, err := suppress.ReadBaseline(path)
	if err != nil {
		return nil, withHint(usageError(err), "--baseline takes a vigil baseline ('vigil scan --write-baseline FILE'), a detect-secrets .secrets.baseline or a gitleaks JSON report")
	}
	return b, nil
}

// suppressions gathers what keeps findings out of the report: the
// configuration's allowlists (returned, for the matcher), and the filters
// applied to final findings (s.filters): commit allowlists, ignore files,
// the baseline. Under a guard each applies only as it was at the base of
// the change scanned, and the configuration returned is limited likewise.
func (s *scanSetup) suppressions(ctx context.Context, a *app, f scanFlags, cfg *config.Config, g *guard, paths []string) (*config.Config, *rules.Allowlist, error) {
	var allow *rules.Allowlist
	var err error
	if g != nil {
		cfg, allow, err = g.config(ctx, cfg)
	} else {
		allow, err = rules.NewAllowlist(cfg.AllowEntries())
	}
	if err != nil {
		return nil, nil, usageError(err)
	}
	if allow.HasCommits() {
		s.filters = append(s.filters, suppress.FilterFunc(allow.AllowedAfter))
	}
	ignores, err := ignoreFiles(a, cfg, paths)
	if err != nil {
		return nil, nil, err
	}
	for _, ig := range ignores {
		if g != nil {
			s.filters = append(s.filters, g.ignoreFile(ctx, ig))
		} else {
			s.filters = append(s.filters, ig)
		}
	}
	if f.baseline != "" {
		b, err := readBaseline(f.baseline)
		if err != nil {
			return nil, nil, err
		}
		s.filters = append(s.filters, suppress.SelfFilter(f.baseline, paths))
		if g != nil {
			s.filters = append(s.filters, g.baseline(ctx, b))
		} else {
			s.filters = append(s.filters, b)
		}
	}
	if g != nil {
		g.announce(a)
	}
	return cfg, allow, nil
}
