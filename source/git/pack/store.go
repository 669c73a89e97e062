package pack

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrUnsupported is wrapped by errors about repositories this package does
// not read (a partial clone, an unknown pack version): the caller reads
// them through git instead.
var ErrUnsupported = errors.New("not read in-process")

// Store is a repository's object store: its packs and loose objects, and
// those of its alternates.
type Store struct {
	// Packs lists the packs, the repository's own first.
	Packs []*Pack
	// Dirs lists the object directories, the repository's own first.
	Dirs []string
}

// maxAlternates bounds the chain of alternates followed, as git does.
const maxAlternates = 5

// OpenStore opens the object directory dir (GIT_DIR/objects) and its
// alternates.
func OpenStore(dir string) (*Store, error) {
	s := &Store{}
	if err := s.addDir(dir, 0); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) addDir(dir string, depth int) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for _, d := range s.Dirs {
		if d == abs {
			return nil
		}
	}
	if _, err := os.Stat(abs); err != nil {
		if depth == 0 {
			return err
		}
		return nil // git ignores a missing alternate, with a warning
	}
	s.Dirs = append(s.Dirs, abs)
	packs, err := filepath.Glob(filepath.Join(abs, "pack", "*.pack"))
	if err != nil {
		return err
	}
	sort.Strings(packs)
	for _, p := range packs {
		base := strings.TrimSuffix(p, ".pack")
		if _, err := os.Stat(base + ".promisor"); err == nil {
			return fmt.Errorf("%w: %s is a promisor pack (a partial clone: objects may be missing)", ErrUnsupported, filepath.Base(p))
		}
		if _, err := os.Stat(base + ".idx"); err != nil {
			continue // a pack being written, or left over: git ignores it too
		}
		pk, err := OpenPack(p)
		if err != nil {
			return err
		}
		s.Packs = append(s.Packs, pk)
	}
	if depth >= maxAlternates {
		return nil
	}
	alts, err := readAlternates(abs)
	if err != nil {
		return err
	}
	for _, a := range alts {
		if err := s.addDir(a, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// readAlternates lists the object directories in dir/info/alternates.
func readAlternates(dir string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "info", "alternates"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "\"") {
			return nil, fmt.Errorf("%w: quoted alternate %s", ErrUnsupported, line)
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

// Close closes the packs.
func (s *Store) Close() error {
	var first error
	for _, p := range s.Packs {
		if err := p.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.Packs = nil
	return first
}

// Find returns the pack and index position of an object, the first pack
// holding it.
func (s *Store) Find(id OID) (*Pack, int, bool) {
	for _, p := range s.Packs {
		if pos, ok := p.Index.Find(id); ok {
			return p, pos, true
		}
	}
	return nil, 0, false
}

// LoosePath returns the file of a loose object, if one exists.
func (s *Store) LoosePath(id OID) (string, bool) {
	h := id.String()
	for _, d := range s.Dirs {
		p := filepath.Join(d, h[:2], h[2:])
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}
