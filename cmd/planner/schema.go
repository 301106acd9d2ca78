package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/fsutil"
)

func (a *app) schemaCmd() *cobra.Command {
	var format, jsonSchemas string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the canonical input schema and the output files (docs/schema.md is its Markdown)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if jsonSchemas != "" {
				return writeJSONSchemas(jsonSchemas)
			}
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
	cmd.Flags().StringVar(&jsonSchemas, "json-schemas", "", "write a JSON Schema of each output file's lines into this folder (docs/schemas)")
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

// writeJSONSchemas writes NAME.schema.json for every output file.
func writeJSONSchemas(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range export.Outputs {
		o := &export.Outputs[i]
		raw, err := o.JSONSchema()
		if err != nil {
			return err
		}
		if err := fsutil.WriteFile(filepath.Join(dir, o.Name+".schema.json"), func(w io.Writer) error { _, err := w.Write(raw); return err }); err != nil {
			return err
		}
	}
	return nil
}
