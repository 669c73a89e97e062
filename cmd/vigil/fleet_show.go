package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/fleet/store"
)

func newFleetStatusCmd(a *app) *cobra.Command {
	var f fleetFlags
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the repositories watched, their last scan and error, and incident counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.openMigrated(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			repos, err := c.Repositories(ctx, 0, true)
			if err != nil {
				return runtimeError(err, "")
			}
			counts := map[string]int{}
			for _, st := range store.Statuses() {
				if counts[string(st)], err = c.CountIncidents(ctx, store.Filter{Statuses: []store.Status{st}}); err != nil {
					return runtimeError(err, "")
				}
			}
			live, err := c.CountIncidents(ctx, store.Filter{Verdict: store.VerdictLive, Statuses: []store.Status{store.StatusOpen, store.StatusAcknowledged}})
			if err != nil {
				return runtimeError(err, "")
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"repositories": repos, "incidents": counts, "live": live})
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "REPOSITORY\tSCANS\tLAST SCAN\tSTATE")
			for _, r := range repos {
				state := "ok"
				switch {
				case !r.Enabled:
					state = "not watched"
				case r.Gone:
					state = "gone: " + r.LastError
				case r.LastError != "":
					state = "error: " + r.LastError
				case r.LastScannedAt.IsZero():
					state = "not scanned yet"
				}
				last := "-"
				if !r.LastScannedAt.IsZero() {
					last = r.LastScannedAt.Format("2006-01-02 15:04:05Z")
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", r.Name, r.Scans, last, state)
			}
			tw.Flush()
			fmt.Fprintf(a.stdout, "\nincidents: %d open (%d live), %d acknowledged, %d resolved, %d ignored\n",
				counts["open"], live, counts["acknowledged"], counts["resolved"], counts["ignored"])
			return nil
		},
	}
	f.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func newFleetIncidentsCmd(a *app) *cobra.Command {
	var f fleetFlags
	var (
		format, provider, repo, verdict, search string
		statuses                                []string
		limit                                   int
	)
	cmd := &cobra.Command{
		Use:   "incidents",
		Short: "List incidents, newest first (--format json for scripts)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			filter := store.Filter{Provider: provider, RepositoryName: repo, Verdict: verdict, Search: strings.TrimSpace(search), Limit: limit}
			for _, s := range statuses {
				st, err := store.ParseStatus(s)
				if err != nil {
					return usageError(fmt.Errorf("--status: %w", err))
				}
				filter.Statuses = append(filter.Statuses, st)
			}
			if err := store.CheckSearch(filter.Search); err != nil {
				return usageError(fmt.Errorf("--search: %w", err))
			}
			if format != "text" && format != "json" {
				return usageError(fmt.Errorf("--format %q: want text or json", format))
			}
			c, err := f.openMigrated(ctx, a)
			if err != nil {
				return err
			}
			defer c.Close()
			page, err := c.ListIncidents(ctx, filter)
			if err != nil {
				return runtimeError(err, "")
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(page)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tVERDICT\tRULE\tSECRET\tWHERE")
			for _, in := range page.Incidents {
				where := ""
				if len(in.Occurrences) > 0 {
					o := in.Occurrences[0]
					where = fmt.Sprintf("%s %s:%d", o.Repository, o.Path, o.Line)
					if n := len(in.Occurrences); n > 1 {
						where += fmt.Sprintf(" (+%d more)", n-1)
					}
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.Status, in.Verdict, in.Rule, in.Secret, where)
			}
			return tw.Flush()
		},
	}
	f.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.Flags().StringSliceVar(&statuses, "status", nil, "only incidents in these statuses (open, acknowledged, resolved, ignored)")
	cmd.Flags().StringVar(&provider, "provider", "", "only incidents of this provider")
	cmd.Flags().StringVar(&repo, "repository", "", "only incidents with an occurrence in this repository (name or URL)")
	cmd.Flags().StringVar(&verdict, "verdict", "", "only incidents with this verdict (live, invalid, unknown, not_verified)")
	cmd.Flags().StringVar(&search, "search", "", "only this incident id, or incidents whose rule, provider, preview, path or repository name contains this (3 to 200 characters)")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most `N` incidents")
	return cmd
}
