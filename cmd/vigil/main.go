// Command vigil keeps watch over API credentials: it finds secrets, checks
// whether they are live, rotates leaked Twilio credentials, audits Twilio
// accounts and guards Twilio webhooks.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], newStdio())
	stop()
	os.Exit(code)
}
