package main

import (
	"fmt"
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
			"compute upstream), the others whole as <out>/<table>.parquet, and <out>/params.json, what the\n" +
			"forecast learns across the whole panel, which each shard's forecast reads (forecast.params).\n" +
			"docs/cli.md has the layout.",
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
				return printJSON(a.stdout, map[string]any{"shards": shards, "out": out, "rows": res.Rows, "seconds": seconds(time.Since(began))})
			}
			var total int64
			for _, n := range res.Rows {
				total += n
			}
			fmt.Fprintf(a.stdout, "Split %s rows of %s into %s in %.1fs: %s\n", words.Commas(total), words.Plural(len(res.Rows), "table"),
				words.Plural(shards, "shard"), time.Since(began).Seconds(), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "planner.yaml", "the run's configuration (its inputs)")
	cmd.Flags().IntVar(&shards, "shards", 0, "number of shards")
	cmd.Flags().StringVar(&out, "out", "", "folder for the shards' inputs")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
