package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

func (a *app) splitCmd() *cobra.Command {
	var cfgPath, out string
	var shards int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "split",
		Short: "Partition the input files by SKU for a run spread over many machines",
		Long: "Split loads the input files planner.yaml names, checked as a run checks them, and writes them\n" +
			"as the inputs of --shards shards: every table with a sku column as <out>/<table>/shard=<i>/ (each\n" +
			"SKU in one shard: the first 8 bytes of MD5(sku), big-endian, mod N, which an export can also\n" +
			"compute upstream), the others whole as <out>/<table>.parquet; <out>/params.json, what the plans\n" +
			"learn across the whole network (the forecast's panel parameters, the ABC cuts, the price\n" +
			"elasticities' priors), which every shard plans with; and <out>/problems.csv, the inputs'\n" +
			"warnings, which the shards do not repeat. docs/cli.md has the layout.",
		Example: "  planner split --config planner.yaml --shards 16 --out split/",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if shards < 1 || shards > 1<<20 {
				return usagef("--shards must be from 1 to %d (got %d)", 1<<20, shards)
			}
			if out == "" {
				return usagef("--out is missing: the folder the shards' inputs go to")
			}
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return &usageError{err}
			}
			began := time.Now()
			res, err := pipeline.Split(cmd.Context(), cfg, shards, out)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, map[string]any{"shards": shards, "out": out, "rows": res.Rows, "warnings": res.Warnings, "seconds": seconds(time.Since(began))})
			}
			var total int64
			for _, n := range res.Rows {
				total += n
			}
			fmt.Fprintf(a.stdout, "Split %s rows of %s into %s in %.1fs: %s\n", words.Commas(total), words.Plural(len(res.Rows), "table"),
				words.Plural(shards, "shard"), time.Since(began).Seconds(), out)
			if res.Warnings > 0 {
				fmt.Fprintf(a.stdout, "%s: %s\n", words.Plural(res.Warnings, "data warning"), filepath.Join(out, "problems.csv"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "planner.yaml", "the run's configuration (its inputs)")
	cmd.Flags().IntVar(&shards, "shards", 0, "number of shards")
	cmd.Flags().StringVar(&out, "out", "", "folder or object storage URL (s3://, gs://, file://) for the shards' inputs")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func (a *app) shardCmd() *cobra.Command {
	var cfgPath, spec, in, out, runID string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "shard",
		Short: "Run the nightly stages on one shard of a run spread over many machines",
		Long: "Shard runs the stages of planner.yaml on one shard's inputs, as planner split wrote them in --in\n" +
			"(the shard's partition of each SKU table, the shared tables, params.json), and writes the run's\n" +
			"outputs to <out>/run=<id>/shard=<i>-of-<N>/, with _MANIFEST.json last (each file's rows and\n" +
			"size and SHA-256, the shard, N, the version). --in and --out are folders or object storage URLs\n" +
			"(s3://bucket/prefix, gs://bucket/prefix, file:///folder; credentials from the environment): from\n" +
			"object storage the shard downloads its own partitions only. --shard auto takes the index from\n" +
			"JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX, and N from auto/N,\n" +
			"PLANNER_SHARDS or AWS_BATCH_JOB_ARRAY_SIZE. A rerun overwrites the shard's files. Exit codes as\n" +
			"planner run.",
		Example: "  planner shard --shard 3/16 --in split/ --out runs/ --run 2025-01-06 --config planner.yaml\n" +
			"  planner shard --shard auto --in s3://plans/split/2025-01-06 --out s3://plans/runs --run 2025-01-06",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sp, err := pipeline.ParseShard(spec, os.Getenv)
			if err != nil {
				return usagef("--shard: %v", err)
			}
			if in == "" || out == "" || runID == "" {
				return usagef("--in, --out and --run are all needed: the inputs planner split wrote, where the shard's outputs go, and the run's id")
			}
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return &usageError{err}
			}
			sm, err := pipeline.RunShard(cmd.Context(), cfg, sp, in, out, runID, pipeline.Options{Version: version, Now: a.now, Logger: a.logger(), Progress: a.progress()})
			if err != nil {
				return err
			}
			if asJSON {
				if err := printJSON(a.stdout, sm); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(a.stdout, "Shard %d of %d of run %s %s: %s in %s\n", sp.Index, sp.Count, runID, sm.Status,
					words.Plural(len(sm.Files), "file"), filepath.Join(out, "run="+runID, sp.Name()))
			}
			if sm.Status == "exceptions" && cfg.Exceptions.ExitCode != 0 {
				return &exitError{code: cfg.Exceptions.ExitCode}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "planner.yaml", "the run's configuration (its settings; the inputs come from --in)")
	cmd.Flags().StringVar(&spec, "shard", "", "the shard: i/N (such as 3/16), auto or auto/N")
	cmd.Flags().StringVar(&in, "in", "", "the folder or URL planner split wrote to")
	cmd.Flags().StringVar(&out, "out", "", "the folder or URL the shards' outputs go to")
	cmd.Flags().StringVar(&runID, "run", "", "the run's id, the same for every shard")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the shard's manifest")
	return cmd
}

func (a *app) reduceCmd() *cobra.Command {
	var dir, out, runID, cfgPath string
	var shards int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "reduce",
		Short: "Check that every shard of a run finished and agrees, and sum the run up",
		Long: "Reduce reads the manifests of the --shards shards of run --run in --in (as planner shard wrote them)\n" +
			"and refuses to go on unless all are there, name this run and shard count, come from one version, and\n" +
			"list files that are there at their sizes. What spans shards it plans: production (a factory's\n" +
			"capacity is shared by SKUs of every shard) with --config's produce section, into production.csv,\n" +
			"capacity_load.csv and exceptions.csv in <out>/run=<id>/. Last it writes <out>/run=<id>/_RUN.json:\n" +
			"the run, its shards, version, status and each output's rows over all shards. --in and --out are\n" +
			"folders or object storage URLs. Exit codes: 1 when a shard has not finished (rerun it), 2 when\n" +
			"shards disagree.",
		Example: "  planner reduce --run 2025-01-06 --shards 16 --in runs/ --config planner.yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" || runID == "" || shards < 1 {
				return usagef("--in, --run and --shards are all needed: where the shards wrote, the run's id, and how many shards it has")
			}
			var cfg *config.Config
			if cfgPath != "" {
				c, err := config.Load(cfgPath)
				if err != nil {
					return &usageError{err}
				}
				cfg = c
			}
			if out == "" {
				out = dir
			}
			sum, err := pipeline.Reduce(cmd.Context(), dir, out, runID, shards, cfg)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, sum)
			}
			fmt.Fprintf(a.stdout, "Run %s %s: %s agree; %s\n", runID, sum.Status, words.Plural(shards, "shard"),
				strings.TrimRight(out, "/")+"/run="+runID+"/"+pipeline.RunSummaryName)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "in", "", "the folder or URL the shards wrote to (planner shard --out)")
	cmd.Flags().StringVar(&out, "out", "", "the folder or URL the run's summary and production plan go to (default --in)")
	cmd.Flags().StringVar(&runID, "run", "", "the run's id")
	cmd.Flags().IntVar(&shards, "shards", 0, "how many shards the run has")
	cmd.Flags().StringVar(&cfgPath, "config", "", "the run's configuration, whose produce section plans the factories (needed when the shards produce)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the run's summary")
	return cmd
}
