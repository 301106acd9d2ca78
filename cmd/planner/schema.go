package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

func (a *app) schemaCmd() *cobra.Command {
	var format, jsonSchemas string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the canonical input schema and the output files (docs/schema.md is its Markdown)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if jsonSchemas != "" {
				return pipeline.WriteJSONSchemas(jsonSchemas)
			}
			switch format {
			case "markdown", "md":
				_, err := fmt.Fprint(a.stdout, pipeline.SchemaMarkdown())
				return err
			case "json":
				raw, err := pipeline.SchemaJSON()
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
	cmd.Flags().StringVar(&jsonSchemas, "json-schemas", "", "write a JSON Schema of each output file's lines and each input table's rows into this folder (docs/schemas)")
	return cmd
}

func (a *app) versionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the planner's version (--json: with its commit, Go and DuckDB versions)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !asJSON {
				_, err := fmt.Fprintln(a.stdout, "planner", version)
				return err
			}
			v, err := pipeline.VersionsOf(cmd.Context(), version)
			if err != nil {
				return err
			}
			return printJSON(a.stdout, v)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: version, commit, go, duckdb")
	return cmd
}
