package git

// parking holds the diff jobs of blobs read before the previous version
// of their file, their base: reading in pack order, where git keeps the
// versions of a file together but often the newer before the older, a
// blob may come first. A parked job waits for its base to be read, up to
// max bytes of parked content in all; past that the oldest is let go to be
// scanned whole, which finds the same secrets with more work.
type parking struct {
	max, size int
	n         int                  // jobs parked
	waiting   map[string][]*parked // base oid → jobs waiting for it
	order     []*parked            // oldest first; released ones stay until trimmed
	// peak is the most content parked at once; parked and dropped count
	// the jobs parked and those let go whole.
	peak, parked, dropped int
}

// parked is one waiting job.
type parked struct {
	job  diffJob
	base string
	done bool
}

func newParking(max int) *parking {
	return &parking{max: max, waiting: map[string][]*parked{}}
}

// park holds j until base is read, and returns the jobs let go, oldest
// first, to keep the parked content within bounds: they go on whole.
func (p *parking) park(j diffJob, base string) []diffJob {
	e := &parked{job: j, base: base}
	p.waiting[base] = append(p.waiting[base], e)
	p.order = append(p.order, e)
	p.size += len(j.chunk.Data)
	p.n++
	p.parked++
	p.peak = max(p.peak, p.size)
	var out []diffJob
	for p.size > p.max {
		e := p.oldest()
		if e == nil {
			break
		}
		p.drop(e)
		out = append(out, e.job)
	}
	return out
}

// release returns the jobs waiting for base, which has just been read.
func (p *parking) release(base string) []diffJob {
	es := p.waiting[base]
	if len(es) == 0 {
		return nil
	}
	out := make([]diffJob, 0, len(es))
	for _, e := range es {
		e.done = true
		p.size -= len(e.job.chunk.Data)
		p.n--
		out = append(out, e.job)
	}
	delete(p.waiting, base)
	p.compact()
	return out
}

// rest returns every job still parked, oldest first: their bases never
// came (a missing object), so they go on whole.
func (p *parking) rest() []diffJob {
	var out []diffJob
	for e := p.oldest(); e != nil; e = p.oldest() {
		p.drop(e)
		out = append(out, e.job)
	}
	return out
}

// oldest returns the oldest job still parked, nil if none.
func (p *parking) oldest() *parked {
	for len(p.order) > 0 {
		if e := p.order[0]; !e.done {
			return e
		}
		p.order = p.order[1:]
	}
	return nil
}

// drop takes one job out before its base came.
func (p *parking) drop(e *parked) {
	e.done = true
	p.size -= len(e.job.chunk.Data)
	p.n--
	ws := p.waiting[e.base]
	for i, w := range ws {
		if w == e {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(p.waiting, e.base)
	} else {
		p.waiting[e.base] = ws
	}
}

// compact forgets released jobs at the front of the order, and now and
// then those behind, so the order does not grow with every job parked.
func (p *parking) compact() {
	p.oldest()
	if len(p.order) > 64 && len(p.order) > 2*p.n {
		kept := p.order[:0]
		for _, e := range p.order {
			if !e.done {
				kept = append(kept, e)
			}
		}
		clear(p.order[len(kept):])
		p.order = kept
	}
}
