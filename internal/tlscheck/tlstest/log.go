package tlstest

import (
	"io"
	"log"
)

// discardLog silences the handshake errors a checking client causes on
// purpose (it hangs up after the handshake).
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
