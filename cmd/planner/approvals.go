package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

func (a *app) importApprovalsCmd() *cobra.Command {
	var run string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import-approvals BOOK.xlsx",
		Short: "Read the merchandisers' approve column back from the plan workbook",
		Long: "Import-approvals reads the approve column (yes, no or empty) of the Orders and Allocation sheets of a\n" +
			"workbook the nightly run wrote (plan.xlsx), checks every line against the run's plan files (a line id\n" +
			"that is not there, or whose SKU, sender or receiver was edited, is an error naming the sheet and row),\n" +
			"and writes the decisions to approvals.csv in the run's folder. The run is the workbook's own folder\n" +
			"when it is still in one, else --run (default out/latest).",
		Example: "  planner import-approvals ~/Downloads/plan.xlsx --run out/latest --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			book := args[0]
			if _, err := os.Stat(book); err != nil {
				return fmt.Errorf("no workbook at %s", book)
			}
			dir := run
			if !cmd.Flags().Changed("run") {
				if _, err := os.Stat(filepath.Join(filepath.Dir(book), "manifest.json")); err == nil {
					dir = filepath.Dir(book)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "manifest.json")); errors.Is(err, fs.ErrNotExist) {
				return usagef("%s is not a run folder (no manifest.json): give --run", dir)
			}
			sum, err := pipeline.ImportApprovals(dir, book)
			if err != nil {
				return err // the workbook's errors exit 2 without a usage hint
			}
			if asJSON {
				return printJSON(a.stdout, sum)
			}
			fmt.Fprintf(a.stdout, "%d lines: %d approved, %d rejected, %d pending, %d edited; written to %s\n", sum.Lines, sum.Approved, sum.Rejected, sum.Pending, sum.Edited, sum.Out)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", filepath.Join("out", "latest"), "the run folder whose plans the workbook shows")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: lines, approved, rejected, pending, out")
	return cmd
}
