package git

// HeapFloor is the heap a program scanning a history may let grow before
// collecting (see vigil.HeapFloorer). A history scan reads far more than
// it keeps: every blob and its line hashes pass through a live heap of a
// few tens of megabytes (compiled rules, the strength estimator's
// dictionaries, the history index), which each collection marks once
// more. Under this floor collections are a fraction as many, at a peak
// heap not much above it (bench/README.md, "Git history and pre-commit").
func (h *History) HeapFloor() uint64 { return 64 << 20 }

// HeapFloor is the heap a program scanning what is staged may let grow
// before collecting. A pre-commit hook's scan reads a few files, and its
// start-up heap of a few megabytes would otherwise be collected for a
// noticeable share of its CPU; under this floor a typical commit collects
// at most once, and a large one still collects when its heap passes it.
func (s *Staged) HeapFloor() uint64 { return 32 << 20 }
