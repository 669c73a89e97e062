package image

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/vigilsec/vigil"
)

// Paths under which the image config is scanned. They start with "@" so
// that they cannot be taken for files of the image.
const (
	ConfigEnv     = "@config/env"
	ConfigLabels  = "@config/labels"
	ConfigHistory = "@config/history"
	ConfigCmd     = "@config/cmd"
)

// configText is the image config as text to scan: one part per kind of
// value, one value per line (or more, when a value holds newlines), each
// value remembering the history step that set it.
type configText struct {
	parts   []configPart
	history []v1.History
}

type configPart struct {
	path  string
	text  []byte
	lines []int // first line of each value, ascending
	steps []int // history step of each value, or -1
}

func (p *configPart) add(value string, step int) {
	p.lines = append(p.lines, bytes.Count(p.text, []byte{'\n'})+1)
	p.steps = append(p.steps, step)
	p.text = append(append(p.text, value...), '\n')
}

func newConfigText(cfg *v1.ConfigFile) configText {
	ct := configText{history: cfg.History}
	env := &configPart{path: ConfigEnv}
	for _, kv := range cfg.Config.Env {
		key, _, _ := strings.Cut(kv, "=")
		env.add(kv, ct.lastStep("ENV", key))
	}
	labels := &configPart{path: ConfigLabels}
	for _, k := range slices.Sorted(maps.Keys(cfg.Config.Labels)) {
		labels.add(k+"="+cfg.Config.Labels[k], ct.lastStep("LABEL", k))
	}
	hist := &configPart{path: ConfigHistory}
	for i, h := range cfg.History {
		hist.add(h.CreatedBy, i)
	}
	cmd := &configPart{path: ConfigCmd}
	if len(cfg.Config.Entrypoint) > 0 {
		cmd.add("ENTRYPOINT "+strings.Join(cfg.Config.Entrypoint, " "), ct.lastStep("ENTRYPOINT", ""))
	}
	if len(cfg.Config.Cmd) > 0 {
		cmd.add("CMD "+strings.Join(cfg.Config.Cmd, " "), ct.lastStep("CMD", ""))
	}
	for _, p := range []*configPart{env, labels, hist, cmd} {
		if len(p.lines) > 0 {
			ct.parts = append(ct.parts, *p)
		}
	}
	return ct
}

// lastStep finds the last history step whose command is the instruction
// (ENV, LABEL…) naming key, or -1. Docker writes "ENV KEY=value" (BuildKit)
// or "/bin/sh -c #(nop)  ENV KEY=value".
func (ct configText) lastStep(instr, key string) int {
	for i := len(ct.history) - 1; i >= 0; i-- {
		cb := ct.history[i].CreatedBy
		j := strings.Index(cb, instr+" ")
		if j < 0 {
			continue
		}
		rest := cb[j+len(instr)+1:]
		if key == "" || strings.Contains(rest, key+"=") || strings.HasPrefix(strings.TrimSpace(rest), key+" ") || strings.Contains(rest, `"`+key+`"=`) {
			return i
		}
	}
	return -1
}

// chunks returns one chunk per part of the config.
func (ct configText) chunks() []vigil.Chunk {
	var out []vigil.Chunk
	for _, p := range ct.parts {
		out = append(out, vigil.Chunk{Data: slices.Clone(p.text), Origin: vigil.Origin{Source: "image", Path: p.path, Line: 1}})
	}
	return out
}

// layerOf says which history step set the config value at o, as a
// vigil.Layer: the layer the step made, or, for steps that made none (ENV,
// LABEL), Index -1 and the digest of the config. ok is false when o is not
// in the config.
func (ct configText) layerOf(o vigil.Origin, s *Source) (*vigil.Layer, bool) {
	for _, p := range ct.parts {
		if p.path != o.Path {
			continue
		}
		i, found := slices.BinarySearch(p.lines, o.Line)
		if !found {
			i--
		}
		step := -1
		if i >= 0 && i < len(p.steps) {
			step = p.steps[i]
		}
		return s.stepLayer(step), true
	}
	return nil, false
}

// stepLayer is the vigil.Layer for history step i.
func (s *Source) stepLayer(i int) *vigil.Layer {
	l := &vigil.Layer{Digest: s.img.configDigest, Index: -1}
	if i < 0 || i >= len(s.config.history) {
		return l
	}
	n := 0 // layers made before step i
	for _, h := range s.config.history[:i] {
		if !h.EmptyLayer {
			n++
		}
	}
	h := s.config.history[i]
	if !h.EmptyLayer && n < len(s.layers) && s.layers[n].CreatedBy == h.CreatedBy {
		c := *s.layers[n]
		return &c
	}
	l.CreatedBy = h.CreatedBy
	return l
}

// layerSteps returns the history command that made each of n layers, or
// empty strings when the history does not account for every layer.
func layerSteps(cfg *v1.ConfigFile, n int) []string {
	var steps []string
	for _, h := range cfg.History {
		if !h.EmptyLayer {
			steps = append(steps, h.CreatedBy)
		}
	}
	if len(steps) != n {
		return make([]string, n)
	}
	return steps
}
