package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/verify"
)

// rulesFlags are the flags of 'vigil rules'.
type rulesFlags struct {
	verifiers  bool
	all        bool
	format     string
	configPath string
	noConfig   bool
}

func newRulesCmd(a *app) *cobra.Command {
	var f rulesFlags
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List detection rules, or the endpoints verification may contact",
		Long: `List the rules vigil scans with (built-in rules and those of .vigil.toml):
id, provider, category, whether a finding can be verified, description.

With --verifiers, list every endpoint 'vigil scan --verify' and 'vigil verify'
may contact for these rules — method, URL, purpose — then the hosts alone, so a
team on a restricted network can allow exactly those. The list is derived from
the verifiers' own declarations: a verifier cannot contact anything else.`,
		Example: `  vigil rules
  vigil rules --verifiers
  vigil rules --verifiers --format json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if f.format != "text" && f.format != "json" {
				return usageError(fmt.Errorf("unknown --format %q (want text or json)", f.format))
			}
			cfg, err := loadConfig(a, scanFlags{configPath: f.configPath, noConfig: f.noConfig}, nil)
			if err != nil {
				return err
			}
			if cfg == nil {
				cfg = &config.Config{}
			}
			set, err := ruleSet(a, cfg)
			if err != nil {
				return err
			}
			if f.verifiers {
				return writeEndpoints(a.stdout, f.format, endpointRows(set, f.all))
			}
			return writeRules(a.stdout, f.format, ruleRows(set))
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.verifiers, "verifiers", false, "list every host and endpoint verification may contact")
	fl.BoolVar(&f.all, "all", false, "with --verifiers: every verifier vigil has, not only those the rules use")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text or json")
	completeValues(cmd, "format", "text", "json")
	fl.StringVar(&f.configPath, "config", "", "read rules from `FILE` too (default: .vigil.toml in the current directory)")
	fl.BoolVar(&f.noConfig, "no-config", false, "ignore .vigil.toml")
	return cmd
}

// ruleRow is one line of 'vigil rules'.
type ruleRow struct {
	ID          string `json:"id"`
	Provider    string `json:"provider"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Verifier    string `json:"verifier,omitempty"`
	Verifiable  bool   `json:"verifiable"`
}

func ruleRows(set *rules.Set) []ruleRow {
	var out []ruleRow
	for _, r := range set.Rules() {
		_, ok := verify.Lookup(r.Verify)
		out = append(out, ruleRow{ID: r.ID, Provider: r.Provider, Category: r.Category, Description: r.Description,
			Verifier: r.Verify, Verifiable: r.Verify != "" && ok})
	}
	return out
}

// writeRules writes the rule list as a table or JSON.
func writeRules(w io.Writer, format string, rows []ruleRow) error {
	if format == "json" {
		return encodeJSON(w, map[string]any{"rules": rows})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROVIDER\tCATEGORY\tVERIFIABLE\tDESCRIPTION")
	for _, r := range rows {
		v := "no"
		if r.Verifiable {
			v = "yes (" + r.Verifier + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Provider, r.Category, v, r.Description)
	}
	return tw.Flush()
}

// endpointRow is one endpoint verification may contact.
type endpointRow struct {
	Verifier string   `json:"verifier"`
	Method   string   `json:"method"`
	URL      string   `json:"url"`
	Host     string   `json:"host"`
	Purpose  string   `json:"purpose"`
	Rules    []string `json:"rules,omitempty"`
}

// endpointRows lists the endpoints of the verifiers the rules name (or
// of every verifier), from the verifier table itself.
func endpointRows(set *rules.Set, all bool) []endpointRow {
	used := map[string][]string{}
	for _, r := range set.Rules() {
		if r.Verify != "" {
			used[r.Verify] = append(used[r.Verify], r.ID)
		}
	}
	var out []endpointRow
	for _, p := range verify.Providers() {
		ids, ok := used[p.Name]
		if !ok && !all {
			continue
		}
		for _, e := range p.Endpoints {
			out = append(out, endpointRow{Verifier: p.Name, Method: e.Method, URL: e.URL, Host: hostPattern(e.Host()), Purpose: e.Purpose, Rules: ids})
		}
	}
	return out
}

// hostPattern turns a host template ({dc}.api.mailchimp.com) into the
// wildcard a firewall rule takes (*.api.mailchimp.com).
func hostPattern(h string) string {
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if strings.Contains(l, "{") {
			labels[i] = "*"
		}
	}
	return strings.Join(labels, ".")
}

// writeEndpoints writes the endpoint list, then the hosts alone.
func writeEndpoints(w io.Writer, format string, rows []endpointRow) error {
	var hosts []string
	for _, r := range rows {
		if !slices.Contains(hosts, r.Host) {
			hosts = append(hosts, r.Host)
		}
	}
	slices.Sort(hosts)
	if format == "json" {
		return encodeJSON(w, map[string]any{"endpoints": rows, "hosts": hosts})
	}
	fmt.Fprintln(w, "# Contacted only with 'vigil scan --verify' or 'vigil verify', over HTTPS (port 443).")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERIFIER\tMETHOD\tURL\tPURPOSE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Verifier, r.Method, r.URL, r.Purpose)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n# Hosts (%d):\n", len(hosts))
	for _, h := range hosts {
		fmt.Fprintln(w, h)
	}
	return nil
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
