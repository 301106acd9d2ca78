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
	"github.com/spf13/pflag"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/internal/progress"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
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
	fileMode  string // --file-mode; "" defers to planner.yaml
}

// exitError carries an exit code to run; its message, if any, was not
// printed yet.
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

// usageError marks a mistake in how a command was called: a flag, an
// argument or a setting. It exits 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

func (e *usageError) Unwrap() error { return e.err }

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

// exitCode maps an error to the documented exit code (docs/cli.md),
// printing it first.
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
		for _, p := range ve.Problems {
			fmt.Fprintln(a.stderr, p)
		}
		fmt.Fprintf(a.stderr, "planner: %s in the input; nothing was loaded\n", words.Plural(ve.Problems.Errors(), "error"))
		return exitInvalid
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr, "planner: interrupted")
		return exitFailed
	}
	var skip *pipeline.SkipError
	var bad *files.Error
	var input *pipeline.InputError
	switch {
	case errors.As(err, &skip):
		fmt.Fprintln(a.stderr, "planner: nothing to plan:", skip.Reason)
		return exitInvalid
	case errors.As(err, &bad), errors.As(err, &input):
		fmt.Fprintln(a.stderr, "planner:", err)
		return exitInvalid
	}
	if oom := datasets.OutOfMemory(err); oom != nil {
		fmt.Fprintln(a.stderr, "planner:", oom)
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
		Args:              cobra.ArbitraryArgs,
		RunE:              groupRun,
		PersistentPreRunE: func(*cobra.Command, []string) error { return a.checkGlobalFlags() },
	}
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(flagError)
	pf := root.PersistentFlags()
	pf.StringVar(&a.logFormat, "log-format", "text", "log format: text or json")
	pf.StringVar(&a.logLevel, "log-level", "", "log level: debug, info, warn or error (default info; warn on a terminal, where progress is shown instead)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "no progress output")
	pf.StringVar(&a.fileMode, "file-mode", "", "permission of the files written, in octal: 0600, 0640 or 0644 (default security.file_mode, else 0640)")
	complete(root, "log-format", "text", "json")
	complete(root, "log-level", "debug", "info", "warn", "error")
	root.AddCommand(a.loadCmd(false), a.loadCmd(true), a.inspectCmd(), a.forecastCmd(), a.backtestCmd(), a.simulateCmd(),
		a.replenishCmd(), a.allocateCmd(), a.rebalanceCmd(), a.importApprovalsCmd(), a.pushCmd(), a.produceCmd(), a.priceCmd(), a.atpCmd(), a.placeCmd(), a.assortCmd(), a.peakCmd(),
		a.datasetsCmd(), a.runCmd(), a.overrideCmd(), a.accuracyCmd(), a.snoozeCmd(), a.splitCmd(), a.shardCmd(), a.reduceCmd(), a.schemaCmd(), a.versionCmd(), a.archiveCmd(), a.decryptCmd(), a.keygenCmd())
	return root
}

// groupRun runs a command that only groups others: with no arguments it
// shows its help; with any, the first names no command of its, which is a
// usage error with the nearest names.
func groupRun(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return usagef("%s", msg)
}

// flagError turns the flag parser's errors into usage errors that say
// what is wrong in words, with the nearest flag for a misspelt one.
func flagError(cmd *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	var required *pflag.ValueRequiredError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if name == "" {
			return usagef("unknown flag -%s for %q", notExist.GetSpecifiedShortnames(), cmd.CommandPath())
		}
		msg := fmt.Sprintf("unknown flag --%s for %q", name, cmd.CommandPath())
		if near := nearestFlag(cmd, name); near != "" {
			msg += fmt.Sprintf(" (did you mean --%s?)", near)
		}
		return usagef("%s", msg)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		var inner *valueError
		if errors.As(err, &inner) {
			return usagef("--%s: %s", f.Name, inner.msg)
		}
		return usagef("--%s: %q is not %s", f.Name, invalid.GetValue(), kindOf(f.Value.Type()))
	case errors.As(err, &required):
		return usagef("--%s needs a value", required.GetFlag().Name)
	case errors.As(err, &syntax):
		return usagef("%q is not a flag; flags are written --name value or --name=value", syntax.GetSpecifiedFlag())
	}
	return &usageError{err}
}

// kindOf says in words what a flag of a type takes.
func kindOf(typ string) string {
	switch typ {
	case "int", "uint64":
		return "a whole number"
	case "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "duration":
		return "a duration such as 30s or 2m"
	}
	return "a valid value"
}

// nearestFlag returns the command's flag nearest to a misspelt name, or
// "" when none is near enough to be a likely typo.
func nearestFlag(cmd *cobra.Command, name string) string {
	best, bestDist := "", len(name)+1
	visit := func(f *pflag.Flag) {
		if d := editDistance(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	if bestDist <= 2 && bestDist < len(name) {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance of two names.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// complete offers values for a flag in the shell's completion.
func complete(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
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
	if err := pipeline.SetFileMode(a.fileMode); err != nil {
		return usagef("--file-mode: %v", err)
	}
	return nil
}

// showProgress says whether progress lines go to the terminal: only for
// people (a terminal, text logs, not --quiet).
func (a *app) showProgress() bool { return a.stderrTTY && a.logFormat == "text" && !a.quiet }

func (a *app) progress() *progress.Reporter { return progress.New(a.stderr, a.showProgress()) }

// context returns the command's context carrying the progress reporter.
func (a *app) context(cmd *cobra.Command) context.Context {
	return progress.WithReporter(cmd.Context(), a.progress())
}

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
