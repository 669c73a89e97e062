package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/source/archive"
	"github.com/vigilsec/vigil/source/files"
)

// archiveFlags say how deep archives are opened and the limits that stop
// archive bombs.
type archiveFlags struct {
	depth      int
	maxSize    string
	maxRatio   int
	maxEntries int
}

func (f *archiveFlags) register(fl *pflag.FlagSet) {
	fl.IntVar(&f.depth, "archive-depth", archive.DefaultDepth, "open archives (zip, jar, tar, tar.gz…) nested up to `N` deep; 0 does not open archives")
	fl.StringVar(&f.maxSize, "archive-max-size", "1GB", "stop reading an archive that expands past `SIZE` (all nested levels together) and report the scan incomplete")
	fl.IntVar(&f.maxRatio, "archive-max-ratio", archive.DefaultMaxRatio, "stop reading content that expands more than `N` times its compressed size (zip bombs)")
	fl.IntVar(&f.maxEntries, "archive-max-entries", archive.DefaultMaxEntries, "stop reading an archive after `N` entries")
}

// reader returns the archive reader for these flags, or nil when archives
// are not to be opened. opts says how members are read.
func (f *archiveFlags) reader(a *app, opts files.Options) (files.Archives, error) {
	if f.depth < 0 || f.maxRatio < 1 || f.maxEntries < 1 {
		return nil, usageError(errors.New("--archive-depth must be 0 or more, --archive-max-ratio and --archive-max-entries 1 or more"))
	}
	if f.depth == 0 {
		return nil, nil
	}
	size, err := config.ParseSize(f.maxSize)
	if err != nil || size <= 0 {
		return nil, usageError(fmt.Errorf("--archive-max-size %q: want a size such as 512MB or 2GB", f.maxSize))
	}
	return archive.New(archive.Options{
		Depth: f.depth, MaxSize: size, MaxRatio: f.maxRatio, MaxEntries: f.maxEntries,
		Files: opts, Logger: a.logger,
	}), nil
}
