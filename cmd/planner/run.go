package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

type runOptions struct {
	config   string
	json     bool
	exitCode int
}

func (a *app) runCmd() *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the nightly job: load, then every planning stage, into a new run folder",
		Long: "Run reads planner.yaml and runs the stages in order (" + fmt.Sprint(pipeline.StageNames()) + "). Outputs go\n" +
			"to out/runs/<id> with a manifest.json (inputs and their checksums, config, version, per-stage\n" +
			"timings and row counts, warnings) and out/latest points at the newest successful run. A stage that\n" +
			"fails stops the run; the previous run's outputs and the database stay as they were.\n\n" +
			"Exit codes: 0 ok, 1 failed, 2 bad usage or invalid input, 3 finished with exceptions (exceptions.csv;\n" +
			"--exceptions-exit-code or exceptions.exit_code in planner.yaml set another, such as 0 for schedulers).",
		Example: "  planner run --config planner.yaml\n  planner run --config planner.yaml --log-format json --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(o.config)
			if err != nil {
				return &usageError{err}
			}
			if a.fileMode != "" {
				cfg.Security.FileMode = a.fileMode
			}
			if cmd.Flags().Changed("exceptions-exit-code") {
				cfg.Exceptions.ExitCode = o.exitCode
				if err := cfg.Exceptions.Check(func(string) string { return "--exceptions-exit-code" }); err != nil {
					return &usageError{err}
				}
			}
			began := time.Now()
			m, err := pipeline.Execute(cmd.Context(), cfg, pipeline.Options{
				Version: version, Now: a.now, Logger: a.logger(), Progress: a.progress(),
			})
			if o.json && m != nil {
				if perr := printJSON(a.stdout, m); perr != nil {
					return perr
				}
			}
			if err != nil {
				return err
			}
			if !o.json {
				fmt.Fprintf(a.stdout, "Run %s %s in %s: %s\n", m.RunID, m.Status, time.Since(began).Round(time.Millisecond),
					filepath.Join(cfg.Out, "runs", m.RunID))
				for _, s := range m.Stages {
					fmt.Fprintf(a.stdout, "  %-10s %6.2fs  %s", s.Name, s.Seconds, s.Summary)
					if s.Exceptions > 0 {
						fmt.Fprintf(a.stdout, "; %s", words.Plural(s.Exceptions, "exception"))
					}
					fmt.Fprintln(a.stdout)
				}
				if m.Exceptions > 0 {
					fmt.Fprintf(a.stdout, "%s to review, ranked by value at risk: exceptions.csv in the run folder\n", words.Plural(m.Exceptions, "plan exception"))
				}
				if m.DataWarnings > 0 {
					fmt.Fprintf(a.stdout, "%s: problems.csv in the run folder\n", words.Plural(m.DataWarnings, "data warning"))
				}
				if cfg.Security.Archive != "" {
					fmt.Fprintf(a.stdout, "Archived, sealed to %s: %s\n", words.Plural(len(cfg.Security.Recipients), "recipient"),
						pipeline.ArchivePath(cfg.Security, m.RunID))
				}
			}
			if m.Exceptions > 0 && cfg.Exceptions.ExitCode != 0 {
				return &exitError{code: cfg.Exceptions.ExitCode, err: errors.New(words.Plural(m.Exceptions, "exception") + " to review")}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.config, "config", "planner.yaml", "the run's configuration")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the run's manifest as one JSON object")
	cmd.Flags().IntVar(&o.exitCode, "exceptions-exit-code", 3, "exit code of a run that finished with exceptions: 0, or 3 to 125 (default exceptions.exit_code, else 3)")
	return cmd
}
