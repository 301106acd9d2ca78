package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

// loadOptions are the flags of planner load and planner validate.
type loadOptions struct {
	db          string
	config      string
	files       map[string]*string
	format      string
	calendar    string
	maps        []string
	dateFormat  string
	grain       string
	query       string
	nullStrings []string
	append      bool
	strict      bool
	maxProblems int
	json        bool
	csv         bool
}

func (a *app) loadCmd(validateOnly bool) *cobra.Command {
	o := &loadOptions{files: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Validate input files and load them into the database",
		Long: "Load validates every input file and, when none has an error, replaces the tables they feed in the\n" +
			"database, in one transaction: a failed load changes nothing. Warnings are printed and do not stop\n" +
			"the load. Files are CSV (also .csv.gz), Parquet or XLSX in the canonical long format (docs/schema.md),\n" +
			"or the M5 wide format with --format m5.",
		Example: "  planner load --sales sales.csv --products products.csv --locations locations.csv\n" +
			"  planner load --sales train.csv.gz --map qty=sales,location=store,sku=item\n" +
			"  planner load --sales 'pos/*.parquet' --grain transaction --map sku=StockCode,qty=Quantity,date=InvoiceDate,order_id=InvoiceNo\n" +
			"  planner load --sales postgres://planner@warehouse/retail --query 'SELECT day AS date, item AS sku, store AS location, units AS qty FROM pos_daily'\n" +
			"  planner load --format m5 --sales sales_train_evaluation.csv --calendar calendar.csv --prices sell_prices.csv",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runLoad(cmd, o, validateOnly) },
	}
	if validateOnly {
		cmd.Use = "validate"
		cmd.Short = "Check input files without loading them; list every problem"
		cmd.Long = "Validate runs every check load runs and writes nothing. It lists every problem (up to\n" +
			"--max-problems of each kind) and exits 2 when any is an error. References are checked against the\n" +
			"files given and, when --db exists, the masters already loaded."
		cmd.Example = strings.ReplaceAll(cmd.Example, "planner load", "planner validate")
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", config.DefaultDB, "database file")
	f.StringVar(&o.config, "config", "", "read the inputs from this planner.yaml (flags override it)")
	for _, t := range datasets.Tables {
		var path string
		o.files[t.Name] = &path
		usage := t.Name + " file"
		switch t.Name {
		case "sales":
			usage = "sales history file (the wide sales file with --format m5)"
		case "prices":
			usage = "price list file (sell_prices.csv with --format m5)"
		}
		f.StringVar(&path, t.Flag, "", usage)
	}
	f.StringVar(&o.format, "format", "", "input format: long (default) or m5")
	f.StringVar(&o.calendar, "calendar", "", "M5 calendar.csv (with --format m5)")
	f.StringArrayVar(&o.maps, "map", nil, "rename columns: canonical=source[,canonical=source...]; table.column=source for one file")
	f.StringVar(&o.dateFormat, "date-format", "", "strftime layout of dates, such as %d/%m/%Y (default: recognised from the data)")
	f.StringVar(&o.grain, "grain", "", "what a sales row is: auto (default: transaction lines when dates hold times or keys repeat within a day), daily, or transaction (point-of-sale lines, summed per day)")
	f.StringVar(&o.query, "query", "", "the SQL that selects the sales rows when --sales names a PostgreSQL database (postgres://user@host/db)")
	f.StringSliceVar(&o.nullStrings, "null", nil, `values read as empty (default "", NA, NULL)`)
	f.BoolVar(&o.append, "append", false, "add rows to the tables instead of replacing them")
	f.BoolVar(&o.strict, "strict", false, "treat warnings as errors")
	f.IntVar(&o.maxProblems, "max-problems", 100, "rows listed per kind of problem (0 lists all)")
	f.BoolVar(&o.json, "json", false, "print one JSON object (the load report) instead of text")
	if validateOnly {
		f.BoolVar(&o.csv, "csv", false, "print the problems as CSV")
	}
	return cmd
}

// options merges the config file (when given) and the flags.
func (o *loadOptions) options(cmd *cobra.Command) (datasets.LoadOptions, string, error) {
	in := config.Inputs{}
	db := o.db
	if o.config != "" {
		cfg, err := config.Load(o.config)
		if err != nil {
			return datasets.LoadOptions{}, "", &usageError{err}
		}
		in = cfg.Inputs
		if !cmd.Flags().Changed("db") {
			db = cfg.DB
		}
	}
	for name, path := range o.files {
		if *path != "" {
			*in.File(name) = *path
		}
	}
	if o.format != "" {
		in.Format = o.format
	}
	if o.calendar != "" {
		in.Calendar = o.calendar
	}
	if o.grain != "" {
		in.Grain = o.grain
	}
	if o.query != "" {
		in.Query = o.query
	}
	if err := in.CheckFormat(flagName); err != nil {
		return datasets.LoadOptions{}, "", &usageError{err}
	}
	opts := pipeline.LoadOptions(&in)
	m := opts.Map
	for _, s := range o.maps {
		parsed, err := files.ParseMapping(s)
		if err != nil {
			return opts, "", &usageError{err}
		}
		m = m.Merge(parsed)
	}
	opts.Map = m
	if o.dateFormat != "" {
		opts.DateFormat = o.dateFormat
	}
	if o.nullStrings != nil {
		opts.NullStrings = o.nullStrings
	}
	opts.Append = o.append
	opts.Strict = opts.Strict || o.strict
	opts.MaxPerCheck = o.maxProblems
	if o.maxProblems == 0 {
		opts.MaxPerCheck = -1
	}
	if len(opts.Files) == 0 && opts.M5 == nil {
		return opts, "", usagef("nothing to load: name at least one file, such as --sales sales.csv (or --config planner.yaml)")
	}
	return opts, db, nil
}

func (a *app) runLoad(cmd *cobra.Command, o *loadOptions, validateOnly bool) error {
	opts, db, err := o.options(cmd)
	if err != nil {
		return err
	}
	opts.Logger = a.logger()
	ctx := cmd.Context()
	if validateOnly {
		// Validation never writes: without an existing database it checks
		// the files against each other only.
		if _, err := os.Stat(db); err != nil {
			db = ""
		}
	}
	store, err := datasets.Open(ctx, db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	task := a.progress().Start(map[bool]string{true: "validate", false: "load"}[validateOnly], 0)
	var rep *datasets.LoadReport
	if validateOnly {
		rep, err = store.Validate(ctx, opts)
	} else {
		rep, err = store.Load(ctx, opts)
	}
	var ve *datasets.ValidationError
	if err != nil && !errors.As(err, &ve) {
		task.Fail()
		return err
	}
	if rep == nil {
		rep = &datasets.LoadReport{}
	}
	if err != nil {
		task.Fail()
	} else {
		task.Done(fmt.Sprintf("%s rows", words.Commas(totalRows(rep))))
	}
	switch {
	case o.json:
		if perr := printJSON(a.stdout, rep); perr != nil {
			return perr
		}
	case o.csv:
		if perr := datasets.WriteProblemsCSV(a.stdout, rep.Problems); perr != nil {
			return perr
		}
	case validateOnly:
		printProblems(a.stdout, rep.Problems)
		printTables(a.stdout, rep, "checked")
		fmt.Fprintf(a.stdout, "%s, %s\n", words.Plural(rep.Problems.Errors(), "error"), words.Plural(rep.Problems.Warnings(), "warning"))
	default:
		printProblems(a.stderr, rep.Problems)
		if err == nil {
			fmt.Fprintf(a.stdout, "Loaded into %s in %.2fs:\n", db, rep.Seconds)
			printTables(a.stdout, rep, "rows")
		}
	}
	if err != nil {
		// The problems are printed; say only how many there were.
		if validateOnly || o.json || o.csv {
			return &exitError{code: exitInvalid}
		}
		return &exitError{code: exitInvalid, err: fmt.Errorf("%s in the input; nothing was loaded", words.Plural(ve.Problems.Errors(), "error"))}
	}
	return nil
}

func totalRows(rep *datasets.LoadReport) int64 {
	var n int64
	for _, t := range rep.Tables {
		n += t.Rows
	}
	return n
}

func printProblems(w io.Writer, ps datasets.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p)
	}
}

func printTables(w io.Writer, rep *datasets.LoadReport, what string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range rep.Tables {
		fmt.Fprintf(tw, "  %s\t%12s %s\t%s\n", t.Table, words.Commas(t.Rows), what, t.File)
	}
	tw.Flush()
	if l := rep.Lines; l != nil {
		left := l.Cancellations + l.ZeroPrice + l.NegativePrice + l.ZeroQty
		fmt.Fprintf(w, "  (sales from %s transaction lines: %s sold, %s returned, %s left out)\n",
			words.Commas(l.Lines), words.Commas(l.Sales), words.Commas(l.Returns), words.Commas(left))
	}
}
