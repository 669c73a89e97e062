package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/internal/fakecred"
)

// manifest describes a generated tree.
type manifest struct {
	Seed   uint64  `json:"seed"`
	Size   int64   `json:"size"`
	Bytes  int64   `json:"bytes"`
	Files  int     `json:"files"`
	Plants []plant `json:"plants"`
}

// generate writes a tree of about size bytes under dir: copies of the Go
// source tree (real code, real comments, real test data), plus one small
// file per planted secret or look-alike, with filler code around it.
func generate(dir, goSrc string, size int64, seed uint64) (*manifest, error) {
	m := &manifest{Seed: seed, Size: size}
	mf := filepath.Join(dir, "..", filepath.Base(dir)+".manifest.json")
	if data, err := os.ReadFile(mf); err == nil {
		var old manifest
		if json.Unmarshal(data, &old) == nil && old.Seed == seed && old.Size == size {
			return &old, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	var src []string
	err := filepath.WalkDir(goSrc, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			src = append(src, p)
		}
		return nil
	})
	if err != nil || len(src) == 0 {
		return nil, fmt.Errorf("read %s: no files (%v)", goSrc, err)
	}
	r := rand.New(rand.NewPCG(seed, seed+1))
	g := fakecred.New(seed)
	filler := strings.Split(goFiller, "\n")
	templates := plantTemplates()
	for copyN := 0; m.Bytes < size; copyN++ {
		for i, p := range src {
			if m.Bytes >= size {
				break
			}
			rel, _ := filepath.Rel(goSrc, p)
			dst := filepath.Join(dir, fmt.Sprintf("copy%03d", copyN), rel)
			n, err := copyFile(p, dst)
			if err != nil {
				return nil, err
			}
			m.Bytes += n
			m.Files++
			if i%50 == 0 {
				t := templates[(i/50+copyN)%len(templates)]
				pl, n, err := writePlant(dir, copyN, i, t, g, r, filler)
				if err != nil {
					return nil, err
				}
				m.Plants = append(m.Plants, pl)
				m.Bytes += n
				m.Files++
			}
		}
	}
	data, _ := json.MarshalIndent(m, "", " ")
	return m, os.WriteFile(mf, data, 0o644)
}

func copyFile(src, dst string) (int64, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, err
	}
	return int64(len(data)), os.WriteFile(dst, data, 0o644)
}

// writePlant writes one planted snippet between filler lines.
func writePlant(dir string, copyN, i int, t plantTemplate, g *fakecred.Gen, r *rand.Rand, filler []string) (plant, int64, error) {
	snippet, err := t.render(g)
	if err != nil {
		return plant{}, 0, err
	}
	before := r.IntN(30)
	var b bytes.Buffer
	for k := 0; k < before; k++ {
		b.WriteString(pick(r, filler) + "\n")
	}
	b.WriteString(snippet)
	for k := r.IntN(30); k > 0; k-- {
		b.WriteString(pick(r, filler) + "\n")
	}
	name := fmt.Sprintf("copy%03d/planted/%s-%05d%s", copyN, t.kind, i, t.ext)
	if t.ext == ".env" {
		name = fmt.Sprintf("copy%03d/planted/%s-%05d/.env", copyN, t.kind, i)
	}
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return plant{}, 0, err
	}
	pl := plant{Kind: t.kind, Secret: t.secret, Twilio: t.twilio, File: filepath.ToSlash(name), Line: before + t.line + 1}
	return pl, int64(b.Len()), os.WriteFile(p, b.Bytes(), 0o644)
}

// goFiller is ordinary code placed around planted lines.
const goFiller = `// Package billing computes invoices.
func (s *Service) Total(items []Item) (cents int64) {
	for _, it := range items {
		cents += it.Price * int64(it.Quantity)
	}
	return cents
}
if err != nil {
	return fmt.Errorf("load config: %w", err)
}
var defaultTimeout = 30 * time.Second
logger.Info("starting worker", "queue", name, "concurrency", n)
# retry with backoff when the upstream is busy
timeout: 30s
replicas: 3
image: registry.example.com/app:1.4.2
const userID = "u-12345"
	return nil`
