// Package pack reads git's object store in-process: pack index files
// (version 2, with large offsets), reverse indexes (.rev), pack files
// (versions 2 and 3, whole objects and OFS and REF deltas), delta
// instructions, loose objects and alternates. It reads SHA-1 repositories
// only; a caller falls back to git itself for others, for partial
// (promisor) clones and for anything this package does not know.
//
// Every parser is bounded by what it reads: sizes announced in headers are
// checked against the bytes that follow before anything is allocated, and
// a corrupt object is an error naming it, never a panic.
package pack
