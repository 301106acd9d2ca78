package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
)

func (a *app) schemaCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the canonical input schema and the output files (docs/schema.md is its Markdown)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			switch format {
			case "markdown", "md":
				_, err := fmt.Fprint(a.stdout, datasets.SchemaMarkdown()+export.OutputsMarkdown())
				return err
			case "json":
				raw, err := datasets.SchemaJSON()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(a.stdout, string(raw))
				return err
			}
			return usagef("--format %q is not markdown or json", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "markdown or json")
	return cmd
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the planner's version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(a.stdout, "planner", version)
			return err
		},
	}
}
