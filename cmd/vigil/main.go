// Command vigil keeps watch over API credentials: it finds secrets, checks
// whether they are live, rotates leaked Twilio credentials, audits Twilio
// accounts and guards Twilio webhooks.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	stop := onInterrupt(func() {
		fmt.Fprintln(os.Stderr, "vigil: stopping (interrupt again to exit at once)")
		cancel()
	}, func() {
		fmt.Fprintln(os.Stderr, "vigil: interrupted again: exiting now")
		os.Exit(exitInterrupted)
	})
	code := run(ctx, os.Args[1:], newStdio())
	stop()
	os.Exit(code)
}

// onInterrupt calls cancel on the first SIGINT or SIGTERM, so the command
// stops and says what it had done, and force on the second, for a user who
// will not wait. stop ends the watch.
func onInterrupt(cancel, force func()) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigs:
			force()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
