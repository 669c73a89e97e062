package git

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is the capacity asked for the pipes git writes objects and
// logs into: at the default 64 KiB, git blocks, and vigil wakes, once per
// 64 KiB of the hundreds of megabytes a history holds.
const pipeSize = 1 << 20

// widenPipe asks the kernel for a larger pipe behind r, when r is one;
// a refusal (the system's pipe-max-size) leaves it as it was.
//
// It goes through SyscallConn, not Fd: Fd would switch the pipe to
// blocking mode, and reads that block their thread made a history scan
// slower than reads the runtime's poller waits for (figures in
// bench/README.md, "Figures behind choices in the code").
func widenPipe(r io.Reader) {
	f, ok := r.(*os.File)
	if !ok {
		return
	}
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize) })
	}
}
