package git

import "github.com/vigilsec/vigil"

// Plan says how many of the blobs asked of git so far it has answered;
// it is final once the walk of the history is over, when every blob to
// read has been asked for.
func (h *History) Plan() vigil.Plan {
	run := h.running.Load()
	if run == nil || run.cf == nil && run.objs == nil {
		return vigil.Plan{Unit: "blobs"}
	}
	final := false
	select {
	case <-run.done:
		final = true
	default:
	}
	if run.objs != nil {
		// Read in-process: every blob is known once the walk is over.
		total := run.blobsTotal.Load()
		return vigil.Plan{Done: run.blobsDone.Load(), Total: total, Unit: "blobs", Final: final && total > 0}
	}
	return vigil.Plan{Done: run.cf.answered.Load(), Total: run.cf.requested.Load(), Unit: "blobs", Final: final}
}
