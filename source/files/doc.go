// Package files is the vigil Source for files and directories on disk, and
// for streams such as stdin.
//
// # Stability
//
// New, Source, Options, Archives, NewStream, Stream and the size
// constants are the package's API for programs that embed the scanner.
// The helpers vigil's other sources share with it — Item, ReadChunks,
// ReadChunksBytes, YieldAll and the binary checks (IsBinaryName,
// BinaryName, IsBinaryHead) — are exported only so that source/archive,
// source/git and source/image can use them: they may change in any
// release, and programs outside vigil should not call them.
package files
