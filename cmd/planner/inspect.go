package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

type inspectOptions struct {
	db   string
	json bool
}

func (a *app) inspectCmd() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Summarise what the database holds",
		Long: "Inspect prints counts, the sales date range and frequency, how many series there are and how\n" +
			"sparse they are, the product and location hierarchies, and the warnings of the last loads.\n" +
			"--json prints one object whose keys are documented in docs/cli.md.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum, err := pipeline.Inspect(cmd.Context(), o.db)
			if err != nil {
				return err
			}
			if o.json {
				return printJSON(a.stdout, sum)
			}
			printSummary(a, sum)
			return nil
		},
	}
	cmd.Flags().StringVar(&o.db, "db", config.DefaultDB, "database file")
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

func printSummary(a *app, s *datasets.Summary) {
	w := a.stdout
	fmt.Fprintf(w, "Database    %s\n", s.Database)
	if s.SalesRows == 0 {
		fmt.Fprintln(w, "Sales       none loaded")
	} else {
		fmt.Fprintf(w, "Sales       %s rows, %s series (%s SKUs at %s locations; channels %s)\n",
			words.Commas(s.SalesRows), words.Commas(s.Series), words.Commas(s.SKUs), words.Commas(s.Locations), strings.Join(s.Channels, ", "))
		freq := map[string]string{"D": "daily", "W": "weekly", "M": "monthly"}[s.Frequency]
		fmt.Fprintf(w, "Dates       %s to %s, %s, %s periods\n", s.FirstDate, s.LastDate, freq, words.Commas(s.Periods))
		fmt.Fprintf(w, "Zero sales  %.1f%% of series-periods\n", 100*s.ZeroShare)
		fmt.Fprintf(w, "Units sold  %s\n", words.Commas(int64(s.TotalUnits)))
	}
	h := s.Hierarchy
	var types []string
	for t, n := range h.LocationTypes {
		types = append(types, fmt.Sprintf("%d %s", n, t))
	}
	sort.Strings(types)
	fmt.Fprintf(w, "Products    %d categories, %d departments\n", h.Categories, h.Departments)
	fmt.Fprintf(w, "Locations   %d regions; %s\n", h.Regions, strings.Join(types, ", "))
	var tables []string
	for _, t := range datasets.Tables {
		tables = append(tables, fmt.Sprintf("%s %s", t.Name, words.Commas(s.Tables[t.Name])))
	}
	fmt.Fprintf(w, "Tables      %s\n", strings.Join(tables, ", "))
	if l := s.LastLoad; l != nil {
		days := ""
		if l.FirstDate != "" {
			days = fmt.Sprintf(", days %s to %s", l.FirstDate, l.LastDate)
		}
		fmt.Fprintf(w, "Last load   %s (%s): %s, %s rows added, %s replaced%s\n", l.LoadedAt, l.Mode,
			words.Plural(len(l.Files), "file"), words.Commas(l.RowsAdded), words.Commas(l.RowsReplaced), days)
	}
	if n := len(s.Problems); n > 0 {
		fmt.Fprintf(w, "Problems    %d from the last loads:\n", n)
		for i, p := range s.Problems {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more (planner inspect --json lists them all)\n", n-20)
				break
			}
			fmt.Fprintf(w, "  %s\n", p)
		}
	} else {
		fmt.Fprintln(w, "Problems    none")
	}
}
