package vigil

import "sync/atomic"

// Plan says how far a source has got: Done items out of the Total it
// knows of so far, counted in Unit ("files", "blobs"); Final once it
// knows them all, so that what is left can be estimated.
type Plan struct {
	Done, Total int64
	Unit        string
	Final       bool
}

// Planner is a Source that can say how far it has got, for a progress
// display. Plan is safe to call while the source runs.
type Planner interface {
	Plan() Plan
}

// Plan sums the plans of the sources that have one; it is final when all
// of them are.
func (s Sources) Plan() Plan {
	var p Plan
	p.Final = true
	for _, src := range s {
		pl, ok := src.(Planner)
		if !ok {
			continue
		}
		sp := pl.Plan()
		p.Done += sp.Done
		p.Total += sp.Total
		p.Final = p.Final && sp.Final
		if p.Unit == "" {
			p.Unit = sp.Unit
		}
	}
	return p
}

// Progress counts the bytes a scan has read so far. The Scanner adds to it
// as it goes; anyone may read it meanwhile.
type Progress struct {
	bytes atomic.Int64
}

// Bytes is the number of bytes read so far.
func (p *Progress) Bytes() int64 { return p.bytes.Load() }

func (p *Progress) add(c *Chunk) {
	if p != nil {
		p.bytes.Add(int64(len(c.Data) - c.Overlap))
	}
}
