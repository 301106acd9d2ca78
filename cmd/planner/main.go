// Command planner is the demand-forecasting and supply-chain planning engine:
// it loads a retailer's data into an embedded DuckDB database, forecasts and
// plans, and writes the plans for merchandisers and ERPs. Run planner help
// for the commands, and see docs/cli.md for their contracts and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
