// Package vigil holds the core types of the vigil secret scanner: a Source
// yields Chunks, a Matcher turns a Chunk into Findings, and a Scanner runs
// the two in parallel.
//
// A Finding's Secret redacts itself wherever it is printed, logged or
// marshalled; only Secret.Reveal returns the value in clear.
package vigil
