package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil/internal/atomicfile"
)

func newManCmd(a *app, root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "man [DIR]",
		Short: "Write vigil's manual pages, generated from its commands",
		Long: `Write one manual page per command (vigil.1, vigil-scan.1, vigil-twilio-rotate.1…)
into DIR (default: the current directory), generated from the commands and
their flags, so the pages never fall behind the program.`,
		Example: `  vigil man /usr/local/share/man/man1`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return runtimeError(err, "")
			}
			n := 0
			err := walkCommands(root, func(c *cobra.Command) error {
				n++
				name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
				return atomicfile.Write(filepath.Join(dir, name), 0o644, func(w io.Writer) error { return manPage(w, c) })
			})
			if err != nil {
				return runtimeError(err, "")
			}
			a.warnf("wrote %d manual pages to %s", n, dir)
			return nil
		},
	}
}

// walkCommands calls fn for c and every visible command below it.
func walkCommands(c *cobra.Command, fn func(*cobra.Command) error) error {
	if c.Hidden || c.Name() == "help" {
		return nil
	}
	if err := fn(c); err != nil {
		return err
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			if err := walkCommands(sub, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// manPage writes c's page in roff (man(7)).
func manPage(w io.Writer, c *cobra.Command) error {
	var b strings.Builder
	title := strings.ToUpper(strings.ReplaceAll(c.CommandPath(), " ", "-"))
	fmt.Fprintf(&b, ".TH %s 1 \"\" \"vigil %s\" \"vigil manual\"\n", title, roff(buildVersion()))
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roff(strings.ReplaceAll(c.CommandPath(), " ", "-")), roff(c.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n.B %s\n", roff(c.UseLine()))
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	fmt.Fprintf(&b, ".SH DESCRIPTION\n%s\n", paragraphs(desc))
	if c.HasAvailableLocalFlags() {
		b.WriteString(".SH OPTIONS\n")
		manFlags(&b, c.NonInheritedFlags())
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString(".SH OPTIONS INHERITED FROM PARENT COMMANDS\n")
		manFlags(&b, c.InheritedFlags())
	}
	if c.Example != "" {
		fmt.Fprintf(&b, ".SH EXAMPLES\n.nf\n%s\n.fi\n", roff(c.Example))
	}
	if !c.HasParent() || c.Name() == "scan" {
		b.WriteString(".SH EXIT STATUS\n0 clean, 1 findings or failed controls, 2 usage error, 3 runtime error or incomplete scan, 130 interrupted.\n")
	}
	var see []string
	if c.HasParent() {
		see = append(see, manRef(c.Parent()))
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			see = append(see, manRef(sub))
		}
	}
	if len(see) > 0 {
		fmt.Fprintf(&b, ".SH SEE ALSO\n%s\n", strings.Join(see, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func manRef(c *cobra.Command) string {
	return fmt.Sprintf(".BR %s (1)", roff(strings.ReplaceAll(c.CommandPath(), " ", "-")))
}

func manFlags(b *strings.Builder, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		fmt.Fprintf(b, ".TP\n\\fB\\-\\-%s\\fR", roff(f.Name))
		if f.Shorthand != "" {
			fmt.Fprintf(b, ", \\fB\\-%s\\fR", roff(f.Shorthand))
		}
		if name != "" {
			fmt.Fprintf(b, " \\fI%s\\fR", roff(name))
		}
		fmt.Fprintf(b, "\n%s", roff(usage))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			fmt.Fprintf(b, " (default: %s)", roff(f.DefValue))
		}
		b.WriteByte('\n')
	})
}

// paragraphs turns blank-line separated text into roff paragraphs.
func paragraphs(s string) string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		out = append(out, roff(p))
	}
	return strings.Join(out, "\n.PP\n")
}

// roff escapes text for roff: backslashes, and a leading dot or quote
// that would read as a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	var b strings.Builder
	for _, r := range s {
		if r > 127 {
			fmt.Fprintf(&b, `\[u%04X]`, r)
		} else {
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}
