package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/progress"
)

// Exit codes.
const (
	exitOK         = 0
	exitFailed     = 1
	exitInvalid    = 2
	exitExceptions = 3
)

// app holds what every command shares: the output streams, the clock and
// the global flags.
type app struct {
	stdout, stderr io.Writer
	stderrTTY      bool
	now            func() time.Time

	logFormat string
	logLevel  string
	quiet     bool
}

// exitError carries an exit code to run; its message, if any, was printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in how a command was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

func usagef(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, now: time.Now}
	if f, ok := stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			a.stderrTTY = true
		}
	}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	return a.exitCode(err)
}

// exitCode maps an error to the documented exit code, printing it first
// unless it was printed already.
func (a *app) exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(a.stderr, "planner:", ee.err)
		}
		return ee.code
	}
	var ue *usageError
	var ve *datasets.ValidationError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(a.stderr, "planner:", err)
		fmt.Fprintln(a.stderr, "Run 'planner help' for usage.")
		return exitInvalid
	case errors.As(err, &ve):
		fmt.Fprintln(a.stderr, "planner:", err)
		return exitInvalid
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr, "planner: interrupted")
		return exitFailed
	}
	fmt.Fprintln(a.stderr, "planner:", err)
	return exitFailed
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "planner",
		Short: "Demand forecasting and supply-chain planning for retailers",
		Long: "planner loads sales, stock and master data into an embedded database, forecasts demand for\n" +
			"every SKU and location, and turns forecasts into replenishment, allocation, pricing and\n" +
			"production plans. See README.md for a tour and docs/cli.md for every command's contract.",
		SilenceUsage:      true,
		SilenceErrors:     true,
		Version:           version,
		PersistentPreRunE: func(*cobra.Command, []string) error { return a.checkGlobalFlags() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.logFormat, "log-format", "text", "log format: text or json")
	pf.StringVar(&a.logLevel, "log-level", "", "log level: debug, info, warn or error (default info; warn on a terminal, where progress is shown instead)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "no progress output")
	root.AddCommand(a.loadCmd(false), a.loadCmd(true), a.inspectCmd(), a.forecastCmd(), a.backtestCmd(), a.simulateCmd(), a.replenishCmd(), a.allocateCmd(), a.rebalanceCmd(), a.importApprovalsCmd(), a.pushCmd(), a.produceCmd(), a.priceCmd(), a.datasetsCmd(), a.runCmd(), a.schemaCmd(), a.versionCmd())
	return root
}

func (a *app) checkGlobalFlags() error {
	switch a.logFormat {
	case "text", "json":
	default:
		return usagef("--log-format %q is not text or json", a.logFormat)
	}
	switch a.logLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return usagef("--log-level %q is not debug, info, warn or error", a.logLevel)
	}
	return nil
}

// showProgress says whether progress lines go to the terminal: only for
// people (a terminal, text logs, not --quiet).
func (a *app) showProgress() bool { return a.stderrTTY && a.logFormat == "text" && !a.quiet }

func (a *app) progress() *progress.Reporter { return progress.New(a.stderr, a.showProgress()) }

// logger writes to stderr: text for people, JSON for schedulers. On a
// terminal with progress shown, only warnings are logged unless asked.
func (a *app) logger() *slog.Logger {
	level := slog.LevelInfo
	switch a.logLevel {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	case "":
		if a.showProgress() {
			level = slog.LevelWarn
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	if a.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments (got %s)", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}
