package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/passphrase"
)

func newPassphraseIndexCmd(a *app) *cobra.Command {
	var verify bool
	cmd := &cobra.Command{
		Use:   "index HASHFILE OUT | index --verify INDEX",
		Short: "Build the offline breach index from the Pwned Passwords SHA-1 file",
		Long: `Build the offline breach index that 'vigil passphrase check --offline' reads,
from the Pwned Passwords SHA-1 file ordered by hash (HASH:COUNT lines; "-"
reads stdin). One streaming pass with flat memory; the index takes 12 bytes
per hash plus 8 MiB. The index appears at OUT only once it is complete.
It holds hashes, which cannot be normalised; 'check' looks a passphrase up
in each form it may have leaked in (NFKC, NFC, as typed).

--verify re-reads an index and checks every record against its checksum.`,
		Example: `  vigil passphrase index pwnedpasswords-sha1-ordered-by-hash.txt pwned.idx
  7z x -so pwned-passwords-sha1-ordered-by-hash-v8.7z | vigil passphrase index - pwned.idx
  vigil passphrase index --verify pwned.idx`,
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case verify && len(args) != 1:
				return usageError(errors.New("--verify takes one argument: INDEX"))
			case !verify && len(args) != 2:
				return usageError(errors.New("want two arguments: HASHFILE OUT"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if verify {
				return a.verifyIndex(cmd.Context(), args[0])
			}
			return a.buildIndex(cmd.Context(), args[0], args[1])
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "check an existing index instead of building one")
	return cmd
}

func (a *app) buildIndex(ctx context.Context, in, out string) error {
	var src io.Reader = a.stdin
	var total int64
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return runtimeError(fmt.Errorf("open hash file: %w", err), "")
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			total = fi.Size()
		}
		src = f
	}
	opt := passphrase.BuildOptions{Logger: a.logger}
	showProgress := a.isTerminal(a.stderr)
	if showProgress {
		opt.Progress = func(s passphrase.BuildStats) { a.indexProgress(s, total) }
	}
	st, err := passphrase.BuildIndexFile(ctx, out, src, opt)
	if showProgress {
		fmt.Fprintln(a.stderr)
	}
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx.Err())
		}
		return runtimeError(fmt.Errorf("%s: %w", in, err),
			"the input must be the Pwned Passwords SHA-1 file ordered by hash (HASH:COUNT lines), complete")
	}
	fi, err := os.Stat(out)
	if err != nil {
		return runtimeError(err, "")
	}
	fmt.Fprintf(a.stdout, "wrote %s: %d hashes, %s, in %v (%s/s read)\n",
		out, st.Lines, megabytes(fi.Size()), st.Elapsed.Round(time.Millisecond), megabytes(rate(st.Bytes, st.Elapsed)))
	if st.Saturated > 0 {
		a.warnf("%d counts were above 4294967295 and are stored as that", st.Saturated)
	}
	return nil
}

func (a *app) indexProgress(s passphrase.BuildStats, total int64) {
	pct := ""
	if total > 0 {
		pct = fmt.Sprintf(" of %s (%.1f%%)", megabytes(total), 100*float64(s.Bytes)/float64(total))
	}
	fmt.Fprintf(a.stderr, "\rindexing: %d hashes, %s%s, %s/s   ", s.Lines, megabytes(s.Bytes), pct, megabytes(rate(s.Bytes, s.Elapsed)))
}

func rate(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func (a *app) verifyIndex(ctx context.Context, path string) error {
	ix, err := passphrase.OpenIndex(path)
	if err == nil {
		defer ix.Close()
		err = ix.Verify(ctx)
	}
	switch {
	case err == nil:
		fmt.Fprintf(a.stdout, "%s: ok, %d hashes\n", path, ix.Len())
		return nil
	case ctx.Err() != nil:
		return interrupted(ctx.Err())
	case errors.Is(err, passphrase.ErrNotIndex) || errors.Is(err, passphrase.ErrIndexVersion) || errors.Is(err, passphrase.ErrIndexCorrupt):
		a.warnf("%v", err)
		fmt.Fprintf(a.stderr, "hint: rebuild it with: vigil passphrase index HASHFILE %s\n", path)
		return found()
	}
	return runtimeError(err, "")
}
