package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
)

// tokenEnv names the environment variable push reads the ERP's bearer
// token from: never a flag, so it stays out of shell history and process
// lists.
const tokenEnv = "PLANNER_ERP_TOKEN"

func (a *app) pushCmd() *cobra.Command {
	o := pipeline.DefaultPushOptions()
	var run, plans string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Send a run's plan lines to an ERP's HTTP API",
		Long: "Push POSTs a run's plan lines to --target in batches of --batch lines: each request is\n" +
			"{\"plan\": \"replenishment\", \"lines\": [...]} with every column of the plan file and the line's stable\n" +
			"line_id, an Idempotency-Key header that a retry of the same batch reuses, and the bearer token from\n" +
			"$" + tokenEnv + " (never logged or written). 5xx answers and timeouts are retried with exponential\n" +
			"backoff and jitter; a 4xx answer is not retried: the batch's lines go to push-rejects.csv in the run's\n" +
			"folder with the server's answer (as do lines a 2xx answer lists under \"rejected\"). Only a 2xx answer\n" +
			"with a JSON object acknowledges a batch: a redirect (never followed) or a web page stops the push with\n" +
			"the lines still to send. A journal in the run's folder records every batch before it goes and every\n" +
			"line's answer after, so a push that stopped sends its unanswered batch again first, under its key, and\n" +
			"no line the ERP answered for is sent twice, whatever --batch says. --approved-only sends only the lines\n" +
			"approvals.csv (planner import-approvals) says yes to. The token is never sent over plain http:// to\n" +
			"another machine without --insecure. Rejected lines make the exit code 3.",
		Example: "  PLANNER_ERP_TOKEN=... planner push --run out/latest --target https://erp.example.com/api/plans --approved-only --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Target == "" {
				return usagef("--target is required: the ERP endpoint to POST plan lines to")
			}
			if o.Batch < 1 {
				return usagef("--batch must be at least 1 (got %d)", o.Batch)
			}
			if _, err := os.Stat(filepath.Join(run, "manifest.json")); err != nil {
				return usagef("%s is not a run folder (no manifest.json)", run)
			}
			if plans != "" {
				for _, p := range strings.Split(plans, ",") {
					o.Plans = append(o.Plans, strings.TrimSpace(p))
				}
			}
			o.Token = os.Getenv(tokenEnv)
			task := a.progress().Start("push", 0)
			o.Progress = func(done, total int) { task.Set(done) }
			o.Log = a.logger()
			res, err := pipeline.Push(cmd.Context(), run, o)
			if err != nil {
				task.Fail()
				if res != nil && asJSON {
					printJSON(a.stdout, res)
				}
				return err
			}
			task.Done(fmt.Sprintf("%d lines", res.Lines))
			if asJSON {
				if err := printJSON(a.stdout, res); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(a.stdout, "%d lines: %d sent, %d accepted, %d rejected, %d retried requests, %d already sent before\n",
					res.Lines, res.Sent, res.Accepted, res.Rejected, res.Retried, res.Skipped)
				if res.Rejects != "" {
					fmt.Fprintf(a.stdout, "Rejected lines and the ERP's answers: %s\n", res.Rejects)
				}
			}
			if res.Rejected > 0 {
				return &exitError{code: exitExceptions, err: errors.New(words.Plural(res.Rejected, "line") + " rejected by the ERP")}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&run, "run", filepath.Join("out", "latest"), "the run folder whose plans to send")
	f.StringVar(&o.Target, "target", "", "the ERP endpoint (http:// or https://) every batch is POSTed to")
	f.StringVar(&plans, "plans", "", "plans to send: replenishment,allocation,pricing,production (default all; those the run lacks are listed as missing)")
	f.IntVar(&o.Batch, "batch", o.Batch, "lines per request")
	f.BoolVar(&o.Insecure, "insecure", false, "send the token over plain http:// to another machine (a test ERP on a network you trust)")
	f.BoolVar(&o.ApprovedOnly, "approved-only", false, "send only the lines approved in the workbook (approvals.csv)")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "time one request may take")
	f.IntVar(&o.Attempts, "attempts", o.Attempts, "tries per batch on 5xx answers and timeouts")
	f.BoolVar(&asJSON, "json", false, "print one JSON object: lines, sent, accepted, retried, rejected, skipped, rejects_file, state_file")
	return cmd
}
