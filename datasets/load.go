package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/planner-engine/planner/datasets/files"
)

// LoadOptions says which files to load and how to read them. The zero value
// of each field means its default.
type LoadOptions struct {
	// Files maps canonical table names (sales, products, ...) to files in the
	// long format: CSV (optionally gzip-compressed), Parquet or XLSX.
	Files map[string]string
	// M5 names the files of the M5 competition's wide format; when set, its
	// sales, calendar and prices files supply the sales, products, locations,
	// events and prices tables.
	M5 *M5Files
	// Map renames the files' columns to canonical ones.
	Map files.Mapping
	// NullStrings are the cell values read as empty; nil means "", "NA" and "NULL".
	NullStrings []string
	// DateFormat is the strftime layout of the files' dates, such as
	// %d/%m/%Y; empty means sniff it from the first rows.
	DateFormat string
	// Grain says what a sales row is: GrainAuto (empty), GrainDaily or
	// GrainTransaction (point-of-sale lines, summed per day).
	Grain string
	// CancelPrefix starts the order ids of cancellations among transaction
	// lines; empty means "C".
	CancelPrefix string
	// Query selects the sales rows when the sales input is a PostgreSQL
	// database (postgres://user@host/db).
	Query string
	// Append adds the rows to the tables instead of replacing them.
	Append bool
	// Strict turns warnings into errors.
	Strict bool
	// MaxPerCheck caps how many rows each kind of problem lists (a summary
	// line gives the total); 0 means 100, a negative value means no cap.
	MaxPerCheck int
	// Logger receives progress; nil means no logging.
	Logger *slog.Logger
}

// M5Files names the three files of an M5-style wide dataset.
type M5Files struct {
	Sales    string // id,item_id,dept_id,cat_id,store_id,state_id,d_1..d_N
	Calendar string // date,wm_yr_wk,...,d,event_name_1,event_type_1,...,snap_XX
	Prices   string // store_id,item_id,wm_yr_wk,sell_price
}

// LoadReport says what a load read and found.
type LoadReport struct {
	Tables   []TableLoad `json:"tables"`
	Problems Problems    `json:"problems"`
	// Lines, when the sales were transaction lines, counts them by kind.
	Lines     *LineCounts `json:"lines,omitempty"`
	Committed bool        `json:"committed"`
	Seconds   float64     `json:"seconds"`
}

// TableLoad describes the rows one file gave one table.
type TableLoad struct {
	Table   string  `json:"table"`
	File    string  `json:"file"`
	Rows    int64   `json:"rows"`
	SHA256  string  `json:"sha256"`
	Seconds float64 `json:"seconds"`
}

// Rows returns the rows loaded into the named table, summed over files.
func (r *LoadReport) Rows(table string) int64 {
	var n int64
	for _, t := range r.Tables {
		if t.Table == table {
			n += t.Rows
		}
	}
	return n
}

// Load validates the files and, when they have no errors, replaces (or
// appends to) the tables they feed, all in one transaction: a failed load
// leaves the database as it was. Invalid input returns a *ValidationError
// listing every problem; the report lists warnings either way.
func (s *Store) Load(ctx context.Context, opts LoadOptions) (*LoadReport, error) {
	return s.load(ctx, opts, true)
}

// Validate runs every check Load runs and writes nothing. Invalid input
// returns a *ValidationError.
func (s *Store) Validate(ctx context.Context, opts LoadOptions) (*LoadReport, error) {
	return s.load(ctx, opts, false)
}

// needLinesError stops a fast load whose files have problems that must be
// pointed at by line, so those files can be read again carefully.
type needLinesError struct{ tables []string }

func (e *needLinesError) Error() string {
	return "reading " + strings.Join(e.tables, ", ") + " again with line numbers"
}

func (s *Store) load(ctx context.Context, opts LoadOptions, commit bool) (*LoadReport, error) {
	start := time.Now()
	if err := opts.check(); err != nil {
		return nil, err
	}
	// Most nightly files are clean. The fast pass reads CSV files without
	// keeping their row order, which lets DuckDB write rows straight into
	// the database file (no rewrite at checkpoint) and skips the table of
	// rejected rows. A file with a problem in some row is read again, in
	// order and with rejected rows kept, to name the lines; the other files
	// keep the fast read.
	careful := map[string]bool{}
	broken := map[string]Problems{}
	grain := &grainState{lines: opts.Grain == GrainTransaction}
	for {
		report, err := s.loadOnce(ctx, opts, commit, careful, broken, grain)
		if report != nil && opts.Logger != nil {
			for _, t := range report.Tables {
				opts.Logger.Info("read", "table", t.Table, "file", t.File, "rows", t.Rows, "seconds", round3(t.Seconds))
			}
		}
		var bad *brokenFileError
		if errors.As(err, &bad) && broken[bad.table] == nil {
			broken[bad.table] = bad.problems
			continue
		}
		var lg *lineGrainError
		if errors.As(err, &lg) && !grain.lines {
			grain.lines, grain.why = true, lg.why
			continue
		}
		var need *needLinesError
		if errors.As(err, &need) {
			grew := false
			for _, t := range need.tables {
				if !careful[t] {
					careful[t], grew = true, true
				}
			}
			if grew {
				if opts.Logger != nil {
					opts.Logger.Debug("reading again with line numbers", "tables", need.tables)
				}
				continue
			}
			err = fmt.Errorf("cannot locate problems in %v", need.tables)
		}
		if report != nil {
			report.Seconds = time.Since(start).Seconds()
		}
		return report, err
	}
}

// brokenFileError stops a load whose transaction a file's reading broke
// (DuckDB aborts a transaction at a failed statement): the load starts
// again with the file's problems known and the file left out, so the other
// files are still checked and reported.
type brokenFileError struct {
	table    string
	problems Problems
}

func (e *brokenFileError) Error() string { return "reading " + e.table + " again without its file" }

// grainState says whether the sales are read as transaction lines and,
// when the loader found that out itself, why.
type grainState struct {
	lines bool
	why   string
}

func (s *Store) loadOnce(ctx context.Context, opts LoadOptions, commit bool, careful map[string]bool, broken map[string]Problems, grain *grainState) (*LoadReport, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer conn.ExecContext(context.WithoutCancel(ctx), "SET preserve_insertion_order = true")
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()

	l := &loader{ctx: ctx, conn: conn, opts: opts, log: opts.Logger, staged: map[string]*stage{}, careful: careful, broken: broken, grain: grain,
		spool: s.spoolDir()}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	phase := time.Now()
	lap := func(name string) {
		l.log.Debug("load phase", "phase", name, "seconds", round3(time.Since(phase).Seconds()))
		phase = time.Now()
	}
	if err := l.stageAll(); err != nil {
		return nil, err
	}
	lap("read")
	if err := l.checkAll(); err != nil {
		return nil, err
	}
	if len(l.needLines) > 0 {
		return nil, &needLinesError{tables: slices.Sorted(maps.Keys(l.needLines))}
	}
	lap("check")
	if err := l.locate(); err != nil {
		return nil, err
	}
	report := &LoadReport{Problems: l.problems}
	if st := l.staged[Sales.Name]; st != nil && st.lines != nil {
		report.Lines = st.lines
	}
	if opts.Strict {
		for i := range report.Problems {
			report.Problems[i].Severity = Error
		}
	}
	tableOrder := map[string]int{}
	for i, t := range Tables {
		tableOrder[t.Name] = i
	}
	report.Problems.sort(tableOrder)
	for _, st := range l.order {
		for _, f := range st.files() {
			report.Tables = append(report.Tables, TableLoad{
				Table: f.table.Name, File: f.file, Rows: f.rows,
				SHA256: f.checksum(), Seconds: f.seconds,
			})
		}
	}
	if report.Problems.Errors() > 0 {
		return report, &ValidationError{Problems: report.Problems}
	}
	if !commit {
		return report, nil
	}
	if err := l.finish(report); err != nil {
		return nil, err
	}
	lap("swap")
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("committing the load: %w", err)
	}
	lap("commit")
	done = true
	report.Committed = true
	return report, nil
}

func (o *LoadOptions) check() error {
	if len(o.Files) == 0 && o.M5 == nil {
		return errors.New("nothing to load: name at least one file (--sales, --products, ...)")
	}
	for name, path := range o.Files {
		if TableNamed(name) == nil {
			return fmt.Errorf("%q is not a table (tables: %s)", name, tableNames())
		}
		if files.IsDatabaseURL(path) && name != Sales.Name {
			return fmt.Errorf("--%s %s: only --sales reads from a database; export the %s table to a file", name, files.RedactURL(path), name)
		}
	}
	switch o.Grain {
	case "", GrainAuto, GrainDaily, GrainTransaction:
	default:
		return fmt.Errorf("grain %q is not %s, %s or %s", o.Grain, GrainAuto, GrainDaily, GrainTransaction)
	}
	if o.Query != "" && !files.IsDatabaseURL(o.Files[Sales.Name]) {
		return errors.New("--query selects rows from a database: it goes with --sales postgres://user@host/db")
	}
	if o.M5 != nil {
		if o.M5.Sales == "" || o.M5.Calendar == "" {
			return errors.New("the m5 format needs --sales (the wide sales file) and --calendar; --prices is optional")
		}
		for _, t := range []string{"sales", "products", "locations", "events", "prices"} {
			if _, clash := o.Files[t]; clash {
				return fmt.Errorf("the m5 format supplies the %s table itself; do not also pass --%s", t, t)
			}
		}
	}
	if o.DateFormat != "" {
		if _, err := files.LookupDateFormat(o.DateFormat); err != nil {
			return err
		}
	}
	return checkMapping(o.Map)
}

func (o *LoadOptions) nullStrings() []string {
	if o.NullStrings == nil {
		return []string{"", "NA", "NULL"}
	}
	return o.NullStrings
}

// limitFor returns how many rows a kind of problem lists: warnings are
// listed more briefly, since they do not stop the load.
func (o *LoadOptions) limitFor(sev Severity) int {
	if sev == Warning && o.MaxPerCheck >= 0 {
		return min(o.maxPerCheck(), maxWarningsPerCheck)
	}
	return o.maxPerCheck()
}

// maxWarningsPerCheck is how many rows a kind of warning lists unless every
// problem is asked for.
const maxWarningsPerCheck = 5

func (o *LoadOptions) maxPerCheck() int {
	switch {
	case o.MaxPerCheck == 0:
		return 100
	case o.MaxPerCheck < 0:
		return 1 << 40
	}
	return o.MaxPerCheck
}

// stage is one input file read into a table of its own inside the load's
// transaction, with what is needed to point problems back into the file.
type stage struct {
	table     *Table
	file      string
	name      string            // the stage table
	pos       string            // SQL: a row's position in the file
	posCol    map[string]string // canonical column -> SQL naming the file column per row (wide files)
	source    map[string]string // canonical column -> the file's name for it
	where     string            // "line" or "row": what located positions count
	locate    func([]int64) (map[int64]int64, error)
	copyOut   bool // the stage has bookkeeping columns, so finish copies instead of renaming
	unordered bool // read by the fast pass: row order, and so lines, unknown
	rows      int64
	seconds   float64
	sum       chan auditResult // the file's audit, read beside the bulk reader
	rejected  int64            // rows the careful read set aside, each reported
	parts     []*stage         // the stages of a glob's or folder's files, merged into this one
	cols      []colSource      // the file's columns, as resolved
	lines     *LineCounts      // transaction lines summed into this stage's rows
	dups      *int64           // rows repeating a sales key, once counted
	view      bool             // the stage is a view over the file, not a table
	dateType  string           // lines only: the file's type of a typed date column (TIMESTAMP, DATE)
}

// dropProblemsBut removes a file's problems, but those of the codes
// given: the rows of a damaged file say nothing once it is known damaged.
func (l *loader) dropProblemsBut(path string, codes ...string) {
	kept := l.problems[:0]
	for _, p := range l.problems {
		if p.File != path || slices.Contains(codes, p.Code) {
			kept = append(kept, p)
		}
	}
	l.problems = kept
}

// auditCodes are the problems of a file's audit that say why it cannot be
// read at all; the reader's problems with such a file are its symptoms.
var auditCodes = []string{"truncated_file", "unreadable_file", "invalid_input", "line_too_long", "stray_carriage_return"}

// errAudited says a file's audit has reported why it cannot be read.
var errAudited = errors.New("the file's audit reported its problems")

// auditResult is a file's audit, or why it could not be read.
type auditResult struct {
	audit *files.Audit
	err   error
}

// result waits for the file's audit.
func (st *stage) result() auditResult {
	if st.sum == nil {
		return auditResult{audit: &files.Audit{}}
	}
	r := <-st.sum
	st.sum <- r
	return r
}

func (st *stage) checksum() string {
	if r := st.result(); r.audit != nil {
		return r.audit.SHA256
	}
	return ""
}

// column returns the file's name for a canonical column.
func (st *stage) column(canon string) string {
	if src, ok := st.source[canon]; ok {
		return src
	}
	return canon
}

type loader struct {
	ctx      context.Context
	conn     *sql.Conn
	opts     LoadOptions
	log      *slog.Logger
	staged   map[string]*stage
	order    []*stage
	failed   map[string]bool // tables whose file could not be read
	problems Problems
	pending  []pendingProblem

	// careful names the tables whose CSV files are read in order, with
	// rejected rows kept; the others are read fast, without row order.
	// needLines collects the fast-read tables with a problem in a row.
	careful   map[string]bool
	needLines map[string]bool
	// broken holds the problems of files whose reading broke the
	// transaction of an earlier pass; they are reported, not read.
	broken map[string]Problems
	grain  *grainState
	spool  string // folder for temporary files (a query's rows)
}

// pendingProblem is a problem whose position still has to be turned into a
// line of its file.
type pendingProblem struct {
	index   int // into loader.problems
	st      *stage
	pos     int64
	other   int64 // a second position the message cites, or -1
	message string
}

func (l *loader) add(p Problem) { l.problems = append(l.problems, p) }

// addAt records a problem at a position of a stage's file. The message may
// cite a second position as {other}.
func (l *loader) addAt(st *stage, pos, other int64, p Problem) {
	if st.unordered {
		if l.needLines == nil {
			l.needLines = map[string]bool{}
		}
		l.needLines[st.table.Name] = true
	}
	p.File, p.Table, p.Where = st.fileAt(pos), st.table.Name, st.where
	l.pending = append(l.pending, pendingProblem{index: len(l.problems), st: st, pos: pos, other: other, message: p.Message})
	l.add(p)
}

func (l *loader) stageAll() error {
	l.failed = map[string]bool{}
	if l.opts.M5 != nil {
		if err := l.stageM5(*l.opts.M5); err != nil {
			return err
		}
		if len(l.failed) > 0 && l.aborted() {
			return l.brokenFile(Sales, l.opts.M5.Sales, []string{l.opts.M5.Calendar, l.opts.M5.Prices})
		}
	}
	for _, t := range Tables {
		path, ok := l.opts.Files[t.Name]
		if !ok {
			continue
		}
		if err := l.stageFile(t, path); err != nil {
			return err
		}
	}
	return nil
}

// errorsIn counts the errors found so far in one file.
func (l *loader) errorsIn(path string) int {
	n := 0
	for _, p := range l.problems {
		if p.File == path && p.Severity == Error {
			n++
		}
	}
	return n
}

func (l *loader) fileProblem(t *Table, path, code string, err error) {
	l.failed[t.Name] = true
	p := Problem{Severity: Error, Code: code, Table: t.Name, File: path, Message: strings.TrimPrefix(err.Error(), path+": ")}
	var fe *files.Error
	if errors.As(err, &fe) && fe.Line > 0 {
		p.Line, p.Where = fe.Line, "line"
		p.Message = strings.TrimPrefix(p.Message, fmt.Sprintf("%s line %d: ", path, fe.Line))
	}
	l.add(p)
}

// stageFile reads one input into its stage table. An input that is a glob
// or a folder reads each of its files into a stage of its own, then
// merges them (mergeParts).
func (l *loader) stageFile(t *Table, spec string) error {
	if ps, ok := l.broken[t.Name]; ok {
		l.problems = append(l.problems, ps...)
		l.failed[t.Name] = true
		return nil
	}
	began := time.Now()
	var paths []string
	var err error
	if files.IsDatabaseURL(spec) {
		paths = []string{spec}
	} else {
		paths, err = files.Expand(spec)
	}
	if err != nil {
		l.fileProblem(t, spec, problemCode(err), err)
		return nil
	}
	name := "planner_stage_" + t.Name
	read := t
	if t == Sales && l.grain.lines {
		read = salesLines
	}
	if len(paths) > 1 {
		if f, err := files.DetectFormat(paths[0]); err == nil && f == files.Parquet {
			st, err := l.readParquetSet(read, spec, name, paths, began)
			if err != nil {
				return err
			}
			if l.failed[t.Name] && l.aborted() {
				return l.brokenFile(t, spec, paths)
			}
			if st == nil || l.failed[t.Name] {
				return nil
			}
			return l.register(t, spec, read, st)
		}
	}
	var parts []*stage
	for i, path := range paths {
		stageName := name
		if len(paths) > 1 {
			stageName = fmt.Sprintf("%s_part%d", name, i)
		}
		st, err := l.readFile(read, path, stageName, began)
		if err != nil {
			return err
		}
		if l.failed[t.Name] && l.aborted() {
			return l.brokenFile(t, spec, paths)
		}
		if st != nil {
			parts = append(parts, st)
		}
		began = time.Now()
	}
	if l.failed[t.Name] || len(parts) == 0 {
		return nil
	}
	st := parts[0]
	if len(paths) > 1 {
		if st, err = l.mergeParts(read, spec, name, parts); err != nil {
			return err
		}
	}
	return l.register(t, spec, read, st)
}

// register makes a read input the table's stage, summing transaction lines
// into daily rows first.
func (l *loader) register(t *Table, spec string, read *Table, st *stage) error {
	if read == salesLines {
		if err := l.sumLines(st); err != nil {
			return err
		}
		if l.grain.why != "" {
			l.add(Problem{Severity: Warning, Code: "transaction_lines", Table: Sales.Name, File: spec,
				Message: "the rows are read as transaction lines and summed per day, since " + l.grain.why,
				Hint:    "pass --grain transaction to say so and silence this, or --grain daily to refuse such rows"})
		}
	}
	l.staged[t.Name] = st
	l.order = append(l.order, st)
	return nil
}

// brokenFile stops a load whose transaction reading one of an input's
// files broke, carrying the input's problems into the next pass.
func (l *loader) brokenFile(t *Table, spec string, paths []string) error {
	var ps Problems
	for _, p := range l.problems {
		if p.File == spec || slices.Contains(paths, p.File) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 { // never a refusal without a reason
		ps = Problems{{Severity: Error, Code: "unreadable_file", Table: t.Name, File: spec, Message: "the file cannot be read"}}
	}
	return &brokenFileError{table: t.Name, problems: ps}
}

// aborted says whether a failed statement has aborted the transaction.
func (l *loader) aborted() bool {
	_, err := l.conn.ExecContext(l.ctx, "SELECT 1")
	return err != nil
}

// readFile reads one file into a stage table, or records why it cannot
// and returns nil.
func (l *loader) readFile(t *Table, path, stageName string, began time.Time) (*stage, error) {
	var in *inputFile
	var err error
	if files.IsDatabaseURL(path) {
		in, err = l.readPostgres(path)
		path = files.RedactURL(path)
	} else {
		in, err = openInput(l.ctx, l.conn, path)
	}
	if err != nil {
		l.fileProblem(t, path, problemCode(err), err)
		return nil, nil
	}
	// A day without pre-orders or promotions is normal; a day without sales
	// means the extract failed.
	if in.empty && t.Name == Sales.Name { // daily rows or transaction lines
		l.fileProblem(t, path, "empty_file", fmt.Errorf("the file has a header but no data rows"))
		return nil, nil
	}
	st, err := l.newStage(t, in, path, stageName)
	if st == nil || err != nil {
		return nil, err
	}
	cols := st.cols
	if in.table == "" {
		st.sum = auditAsync(path, in.format == files.CSV)
	}
	// Positions come from row order, except in the fast CSV read.
	if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS "+quoteIdent(st.name)+"; DROP VIEW IF EXISTS "+quoteIdent(st.name)+"; SET preserve_insertion_order = true"); err != nil {
		return nil, err
	}
	switch in.format {
	case files.CSV:
		err = l.stageCSV(st, in, cols)
	case files.Parquet:
		st.where = "row"
		relation, pos := in.parquetRelation(true), "file_row_number + 1"
		if in.table != "" {
			relation, pos = in.table, "_row" // a query's rows, copied from a database
		}
		err = l.stageRelation(st, in, cols, relation, pos)
	case files.XLSX:
		st.where = "row"
		err = l.stageXLSX(st, in, cols)
	}
	if errors.Is(err, errAudited) {
		l.failed[t.Name] = true
		return nil, nil
	}
	if err != nil {
		var fe *files.Error
		if errors.As(err, &fe) {
			l.fileProblem(t, path, fe.Code, fe)
			return nil, nil
		}
		return nil, err
	}
	if err := l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+quoteIdent(st.name)).Scan(&st.rows); err != nil {
		return nil, err
	}
	if in.format == files.CSV && l.checkAudit(st, st.rejected) {
		l.dropProblemsBut(path, auditCodes...)
		return nil, nil
	}
	if st.rows == 0 && st.rejected == 0 && t.Name == Sales.Name && !l.failed[t.Name] && l.errorsIn(path) == 0 {
		l.fileProblem(t, path, "empty_file", fmt.Errorf("the file yields no rows: a day without sales means the extract failed"))
		return nil, nil
	}
	st.seconds = time.Since(began).Seconds()
	l.log.Debug("read", "table", t.Name, "file", path, "rows", st.rows, "seconds", round3(st.seconds))
	return st, nil
}

// newStage matches a file's columns to the table's and starts its stage;
// it returns nil when they do not fit (the problems are recorded), and a
// lineGrainError when a sales file turns out to hold transaction times.
func (l *loader) newStage(t *Table, in *inputFile, file, name string) (*stage, error) {
	cols, ok := l.resolveColumns(t, in)
	if !ok {
		l.failed[t.Name] = true
		return nil, nil
	}
	if t == Sales && l.opts.Grain != GrainDaily && !l.grain.lines {
		if why := l.timesIn(in, cols); why != "" {
			return nil, &lineGrainError{why: why}
		}
	}
	st := &stage{table: t, file: file, name: name, source: map[string]string{}, cols: cols}
	for _, c := range cols {
		if c.index >= 0 {
			st.source[c.canon.Name] = in.header[c.index]
		}
	}
	return st, nil
}

// problemCode returns the code of a file's problem: the fileError's, or
// unreadable_file.
func problemCode(err error) string {
	var fe *files.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return "unreadable_file"
}

// auditAsync reads a file once more beside the bulk reader: its SHA-256
// for the manifest and, for CSV text, whether its gzip stream is whole and
// how many records it holds (files.AuditFile), which the rows read must
// match.
func auditAsync(path string, csv bool) chan auditResult {
	ch := make(chan auditResult, 1)
	go func() {
		auditSlots <- struct{}{} // thousands of partition files: a few open at a time
		a, err := files.AuditFile(path, csv)
		<-auditSlots
		ch <- auditResult{a, err}
	}()
	return ch
}

// auditSlots bounds how many files are audited at once.
var auditSlots = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// checkAudit holds the rows a CSV file's bulk read gave against the
// file's audit: a gzip stream cut short or damaged, lines too long to
// load, or records the reader did not return are errors, so no row is
// ever lost without a word. rejected is the rows the careful read set
// aside (and reported). It says whether the file is unusable as a whole:
// then its other problems (rows of a damaged stream) are noise, and only
// the audit's stand.
func (l *loader) checkAudit(st *stage, rejected int64) (unusable bool) {
	r := st.result()
	if r.err != nil {
		l.fileProblem(st.table, st.file, problemCode(r.err), r.err)
		return true
	}
	a := r.audit
	switch {
	case a.Truncated:
		l.fileProblem(st.table, st.file, "truncated_file", fmt.Errorf("the file is damaged or truncated: its gzip stream stops before its end, or fails its checksum, so the extract was cut off or corrupted on the way; load the whole file"))
		return true
	case a.LongCount > 0:
		l.failed[st.table.Name] = true
		for _, long := range a.Long {
			l.add(Problem{Severity: Error, Code: "line_too_long", Table: st.table.Name, File: st.file, Line: long.Line, Where: "line",
				Message: fmt.Sprintf("the row is %.1f MB long; a row may hold at most %d MB", float64(long.Bytes)/(1<<20), files.MaxLineBytes>>20),
				Hint:    "a quote left open makes the rest of the file one row; otherwise shorten the row's text"})
		}
		if a.LongCount > int64(len(a.Long)) {
			l.add(Problem{Severity: Error, Code: "line_too_long", Table: st.table.Name, File: st.file, Count: a.LongCount,
				Message: fmt.Sprintf("%d rows in all are too long; the first %d are listed", a.LongCount, len(a.Long))})
		}
	case a.LoneCRCount > 0 && a.Records <= 1:
		l.fileProblem(st.table, st.file, "stray_carriage_return", fmt.Errorf("the file's lines end with a carriage return alone (old Mac line ends); save it with LF or CR LF line ends"))
		return true
	case a.LoneCRCount > 0:
		l.failed[st.table.Name] = true
		for _, line := range a.LoneCR {
			l.add(Problem{Severity: Error, Code: "stray_carriage_return", Table: st.table.Name, File: st.file, Line: line, Where: "line",
				Message: "the row holds a carriage return (CR) that ends no line, which some readers take for a line end and others for text",
				Hint:    "use LF or CR LF line ends throughout, and quote a value that holds a line break"})
		}
		if a.LoneCRCount > int64(len(a.LoneCR)) {
			l.add(Problem{Severity: Error, Code: "stray_carriage_return", Table: st.table.Name, File: st.file, Count: a.LoneCRCount,
				Message: fmt.Sprintf("%d rows in all hold a stray carriage return; the first %d are listed", a.LoneCRCount, len(a.LoneCR))})
		}
		return true
	case a.Records > 0 && st.rows+rejected != a.Records-1:
		l.fileProblem(st.table, st.file, "unread_rows", fmt.Errorf("%d of the file's %d rows were read and %d refused: the other %d were lost on the way; check the file's quotes and line ends",
			st.rows, a.Records-1, rejected, a.Records-1-st.rows-rejected))
	}
	return false
}

// colSource pairs a canonical column with the file column that feeds it.
type colSource struct {
	canon *Column
	index int // into the file header; -1 when the file lacks it
}

// resolveColumns matches the file's header to the table's columns through
// the mapping, reporting missing, misspelt and unknown columns.
func (l *loader) resolveColumns(t *Table, in *inputFile) ([]colSource, bool) {
	find := func(name string) int {
		for i, h := range in.header {
			if strings.EqualFold(h, name) {
				return i
			}
		}
		// The columns of transaction lines are also known spelt as point-of-
		// sale systems spell them: CustomerID, Order ID.
		if salesLines.Column(name) != nil && Sales.Column(name) == nil {
			for i, h := range in.header {
				if normalizeName(h) == normalizeName(name) {
					return i
				}
			}
		}
		return -1
	}
	used := make([]bool, len(in.header))
	if t == Sales {
		// The columns of transaction lines (order_id, customer_id) are no
		// daily sales columns, nor misspellings of one.
		for _, c := range salesLines.Columns {
			if Sales.Column(c.Name) != nil {
				continue
			}
			src, mapped := mappedSource(l.opts.Map, t.Name, c.Name)
			if !mapped {
				src = c.Name
			}
			if i := find(src); i >= 0 {
				used[i] = true
			}
		}
	}
	cols := make([]colSource, len(t.Columns))
	ok := true
	for i := range t.Columns {
		c := &t.Columns[i]
		idx := -1
		src, mapped := mappedSource(l.opts.Map, t.Name, c.Name)
		if mapped {
			idx = find(src)
			if idx < 0 && strings.Contains(mapKey(l.opts.Map, t.Name, c.Name), ".") {
				l.add(Problem{Severity: Error, Code: "mapped_column_missing", Table: t.Name, File: in.path, Column: src,
					Message: fmt.Sprintf("--map %s.%s=%s names a column the file does not have%s", t.Name, c.Name, src, suggest(src, in.header)),
					Hint:    "columns found: " + strings.Join(in.header, ", ")})
				ok = false
				continue
			}
		}
		if idx < 0 {
			idx = find(c.Name)
		}
		if idx >= 0 && used[idx] && !mapped {
			idx = -1 // a column feeds two canonical ones only when mapped so
		}
		if idx >= 0 {
			used[idx] = true
		}
		cols[i] = colSource{canon: c, index: idx}
	}
	var unused []string
	for i, h := range in.header {
		if !used[i] {
			unused = append(unused, h)
		}
	}
	for _, cs := range cols {
		if cs.index >= 0 || !cs.canon.Required {
			continue
		}
		hint := fmt.Sprintf("columns found: %s; name the one that holds it with --map %s=<column>", strings.Join(in.header, ", "), cs.canon.Name)
		msg := fmt.Sprintf("the file has no %s column, which %s needs", cs.canon.Name, t.Name)
		if src, mapped := mappedSource(l.opts.Map, t.Name, cs.canon.Name); mapped {
			msg = fmt.Sprintf("the file has neither %s nor %s (from --map %s=%s)", src, cs.canon.Name, cs.canon.Name, src)
		}
		if near := closest(cs.canon.Name, unused); near != "" {
			hint = fmt.Sprintf("did you mean %q? rename it or pass --map %s=%s", near, cs.canon.Name, near)
		}
		l.add(Problem{Severity: Error, Code: "missing_column", Table: t.Name, File: in.path, Column: cs.canon.Name, Message: msg, Hint: hint})
		ok = false
	}
	var absent []string
	for _, cs := range cols {
		if cs.index < 0 {
			absent = append(absent, cs.canon.Name)
		}
	}
	var unknown []string
	for _, h := range unused {
		if near := closest(h, absent); near != "" && !t.Column(near).Required {
			l.add(Problem{Severity: Error, Code: "misspelt_column", Table: t.Name, File: in.path, Column: h,
				Message: fmt.Sprintf("column %q is not a %s column; did you mean %q?", h, t.Name, near),
				Hint:    fmt.Sprintf("rename it, or pass --map %s=%s", near, h)})
			ok = false
			continue
		}
		if closest(h, absent) != "" {
			continue // reported with the missing required column
		}
		if h == "shard" && strings.Contains(filepath.ToSlash(in.path), "/shard=") {
			continue // the partition key of planner split's folders, not data
		}
		unknown = append(unknown, h)
	}
	if len(unknown) > 0 {
		what := fmt.Sprintf("column %q is", unknown[0])
		if len(unknown) > 1 {
			quoted := make([]string, len(unknown))
			for i, u := range unknown {
				quoted[i] = strconv.Quote(u)
			}
			what = "columns " + strings.Join(quoted, ", ") + " are"
		}
		l.add(Problem{Severity: Warning, Code: "unknown_column", Table: t.Name, File: in.path, Column: strings.Join(unknown, ","),
			Message: fmt.Sprintf("%s not part of the %s schema and ignored", what, t.Name),
			Hint:    "map a column to a canonical one with --map, or drop it to silence this warning"})
	}
	return cols, ok
}

func mapKey(m files.Mapping, table, column string) string {
	if _, ok := m[table+"."+column]; ok {
		return table + "." + column
	}
	return column
}

// dateFormatFor picks the date layout of a file: the user's, or the one
// its sample dates fit.
func (l *loader) dateFormatFor(t *Table, in *inputFile, cols []colSource, samples []string) files.DateFormat {
	if l.opts.DateFormat != "" {
		df, _ := files.LookupDateFormat(l.opts.DateFormat)
		return df
	}
	df, ambiguous := files.SniffDateFormat(samples)
	if ambiguous {
		l.add(Problem{Severity: Warning, Code: "ambiguous_dates", Table: t.Name, File: in.path,
			Message: "every sampled date fits both day/month/year and month/day/year; reading them as day/month/year",
			Hint:    "pass --date-format %m/%d/%Y if months come first"})
	}
	return df
}

func (l *loader) dateSamples(in *inputFile, cols []colSource) []string {
	nulls := map[string]bool{}
	for _, n := range l.opts.nullStrings() {
		nulls[n] = true
	}
	var samples []string
	for _, cs := range cols {
		if cs.index < 0 || cs.canon.Type != Date {
			continue
		}
		for _, rec := range in.sample {
			if cs.index < len(rec) && !nulls[strings.TrimSpace(rec[cs.index])] {
				samples = append(samples, rec[cs.index])
			}
		}
		for _, row := range in.rows {
			if v := row[cs.index]; !nulls[strings.TrimSpace(v)] && !isNumber(v) {
				samples = append(samples, v)
			}
			if len(samples) > sampleRows {
				break
			}
		}
	}
	return samples
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// finish moves the staged rows into the canonical tables and records the
// load, inside the caller's transaction.
func (l *loader) finish(report *LoadReport) error {
	var loadID int64
	if err := l.conn.QueryRowContext(l.ctx, "SELECT coalesce(max(load_id), 0) + 1 FROM planner_loads").Scan(&loadID); err != nil {
		return err
	}
	mode := "replace"
	if l.opts.Append {
		mode = "append"
	}
	for _, st := range l.order {
		target := quoteIdent(st.table.Name)
		cols := quotedColumns(st.table)
		first, last, err := l.dateRange(st)
		if err != nil {
			return err
		}
		var replaced int64
		var extras []string
		canonical := false
		if st.copyOut && !l.opts.Append {
			extras, canonical = l.bookkeeping(st)
		}
		switch {
		case l.opts.Append:
			// Rows the file sends again replace those loaded before, in
			// the same transaction: a nightly extract that re-sends its
			// last days never doubles them.
			if st.table == Sales {
				cleared, lo, hi, err := l.clearedDays(st)
				if err != nil {
					return err
				}
				if cleared > 0 {
					// Not silent: a day the file covers but does not send
					// for a series it holds is now a day without sales.
					report.Problems = append(report.Problems, Problem{Severity: Warning, Code: "resent_days_cleared", Table: Sales.Name,
						File: st.file, Count: cleared,
						Message: fmt.Sprintf("removed %s loaded before: the file covers the days from %s to %s and sends no row on those days for their series (a re-sent day without a row is a day without sales)",
							rowsCount(cleared), lo, hi),
						Hint: "send every day of the window for each series, or append only the days a file is meant to replace"})
				}
			}
			n, err := l.replaceResent(st)
			if err != nil {
				return err
			}
			replaced = n
			if _, err := l.conn.ExecContext(l.ctx, fmt.Sprintf("INSERT INTO %s SELECT %s FROM %s", target, cols, quoteIdent(st.name))); err != nil {
				return fmt.Errorf("appending to %s: %w", st.table.Name, err)
			}
		case st.copyOut && canonical:
			// Drop the bookkeeping columns and swap the stage in: no copy.
			var qs []string
			for _, c := range extras {
				qs = append(qs, fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s", quoteIdent(st.name), quoteIdent(c)))
			}
			qs = append(qs, "DROP TABLE "+target, fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteIdent(st.name), target))
			for _, q := range qs {
				if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
					return fmt.Errorf("replacing %s: %w", st.table.Name, err)
				}
			}
		case st.copyOut:
			for _, q := range []string{
				"DELETE FROM " + target,
				fmt.Sprintf("INSERT INTO %s SELECT %s FROM %s", target, cols, quoteIdent(st.name)),
			} {
				if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
					return fmt.Errorf("replacing %s: %w", st.table.Name, err)
				}
			}
		default:
			// The stage already has the canonical layout: swapping it in
			// costs nothing, where copying ten million rows does not.
			for _, q := range []string{
				"DROP TABLE " + target,
				fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteIdent(st.name), target),
			} {
				if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
					return fmt.Errorf("replacing %s: %w", st.table.Name, err)
				}
			}
		}
		if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS "+quoteIdent(st.name)); err != nil {
			return err
		}
		for k, f := range st.files() {
			if k > 0 {
				replaced = 0 // counted once, on the input's first file
			}
			_, err := l.conn.ExecContext(l.ctx, `INSERT INTO planner_loads (load_id, table_name, file, sha256, rows, mode, loaded_at, replaced, first_date, last_date)
				VALUES (?, ?, ?, ?, ?, ?, now(), ?, ?, ?)`,
				loadID, f.table.Name, f.file, f.checksum(), f.rows, mode, replaced, first, last)
			if err != nil {
				return err
			}
		}
		if !l.opts.Append {
			if _, err := l.conn.ExecContext(l.ctx, `DELETE FROM planner_problems WHERE table_name = ?`, st.table.Name); err != nil {
				return err
			}
		}
	}
	for _, p := range report.Problems {
		_, err := l.conn.ExecContext(l.ctx, `INSERT INTO planner_problems VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Table, string(p.Severity), p.Code, p.File, p.Line, p.Column, p.Value, p.Message, p.Hint, p.Count)
		if err != nil {
			return err
		}
	}
	return nil
}

// stageColumns lists a stage table's columns and types, in order.
func (l *loader) stageColumns(st *stage) ([][2]string, error) {
	rows, err := l.conn.QueryContext(l.ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position`, st.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// bookkeeping returns the columns a stage table holds after the canonical
// ones (positions), and whether it holds the canonical columns in order and
// typed, so that dropping those makes it the table.
func (l *loader) bookkeeping(st *stage) (extras []string, canonical bool) {
	cols, err := l.stageColumns(st)
	if err != nil || len(cols) < len(st.table.Columns) {
		return nil, false
	}
	for i, c := range st.table.Columns {
		if cols[i][0] != c.Name || cols[i][1] != c.Type.SQL() {
			return nil, false
		}
	}
	for _, c := range cols[len(st.table.Columns):] {
		if !strings.HasPrefix(c[0], "_") {
			return nil, false
		}
		extras = append(extras, c[0])
	}
	return extras, true
}

// replaceResent deletes the rows of the table that the stage sends again
// and returns how many: for sales, the days from the stage's first to its
// last date of every series the stage holds (a re-sent day without a row
// is a day without sales); for other tables, the rows with the same key.
func (l *loader) replaceResent(st *stage) (int64, error) {
	target, stage := quoteIdent(st.table.Name), quoteIdent(st.name)
	var q string
	if st.table == Sales {
		q = fmt.Sprintf(`DELETE FROM %[1]s t USING (SELECT DISTINCT sku, location, channel FROM %[2]s) k,
				(SELECT min(date) AS lo, max(date) AS hi FROM %[2]s) r
			WHERE t.sku = k.sku AND t.location = k.location AND t.channel IS NOT DISTINCT FROM k.channel
			  AND t.date BETWEEN r.lo AND r.hi`, target, stage)
	} else {
		keys := st.table.KeyColumns()
		conds := make([]string, len(keys))
		for i, k := range keys {
			conds[i] = fmt.Sprintf("t.%[1]s IS NOT DISTINCT FROM s.%[1]s", quoteIdent(k))
		}
		q = fmt.Sprintf("DELETE FROM %s t USING (SELECT DISTINCT %s FROM %s) s WHERE %s",
			target, quotedKeys(keys), stage, strings.Join(conds, " AND "))
	}
	res, err := l.conn.ExecContext(l.ctx, q)
	if err != nil {
		return 0, fmt.Errorf("replacing the rows %s sends again: %w", st.file, err)
	}
	return res.RowsAffected()
}

// clearedDays counts the sales rows an append will remove without sending
// them again: days inside the file's window, for series the file holds, on
// which the file has no row for that series.
func (l *loader) clearedDays(st *stage) (n int64, lo, hi string, err error) {
	var first, last dateScan
	q := fmt.Sprintf(`SELECT count(*), min(r.lo), max(r.hi) FROM %[1]s t
		JOIN (SELECT DISTINCT sku, location, channel FROM %[2]s) k
		  ON t.sku = k.sku AND t.location = k.location AND t.channel IS NOT DISTINCT FROM k.channel,
		(SELECT min(date) AS lo, max(date) AS hi FROM %[2]s) r
		WHERE t.date BETWEEN r.lo AND r.hi AND NOT EXISTS (SELECT 1 FROM %[2]s s
			WHERE s.sku = t.sku AND s.location = t.location AND s.channel IS NOT DISTINCT FROM t.channel AND s.date = t.date)`,
		quoteIdent(st.table.Name), quoteIdent(st.name))
	if err := l.conn.QueryRowContext(l.ctx, q).Scan(&n, &first, &last); err != nil {
		return 0, "", "", fmt.Errorf("comparing %s with the rows loaded before: %w", st.file, err)
	}
	if first.Valid {
		lo, hi = first.Date.String(), last.Date.String()
	}
	return n, lo, hi, nil
}

func quotedKeys(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = quoteIdent(k)
	}
	return strings.Join(q, ", ")
}

// dateRange returns the first and last day of a stage's rows, for tables
// with a date column; NULLs otherwise.
func (l *loader) dateRange(st *stage) (first, last any, err error) {
	col := ""
	for _, c := range st.table.Columns {
		if c.Type == Date && c.Key {
			col = c.Name
			break
		}
	}
	if col == "" {
		return nil, nil, nil
	}
	var lo, hi dateScan
	q := fmt.Sprintf("SELECT min(%[1]s), max(%[1]s) FROM %[2]s", quoteIdent(col), quoteIdent(st.name))
	if err := l.conn.QueryRowContext(l.ctx, q).Scan(&lo, &hi); err != nil {
		return nil, nil, err
	}
	if !lo.Valid {
		return nil, nil, nil
	}
	return lo.Date.String(), hi.Date.String(), nil
}

func quotedColumns(t *Table) string {
	parts := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		parts[i] = quoteIdent(c.Name)
	}
	return strings.Join(parts, ", ")
}

// locate turns the positions of pending problems into lines of their files.
func (l *loader) locate() error {
	byStage := map[*stage][]int64{}
	for _, pp := range l.pending {
		byStage[pp.st] = append(byStage[pp.st], pp.pos)
		if pp.other >= 0 {
			byStage[pp.st] = append(byStage[pp.st], pp.other)
		}
	}
	lines := map[*stage]map[int64]int64{}
	for st, positions := range byStage {
		if st.locate == nil {
			continue
		}
		sort.Slice(positions, func(i, j int) bool { return positions[i] < positions[j] })
		m, err := st.locate(positions)
		if err != nil {
			return fmt.Errorf("finding lines in %s: %w", st.file, err)
		}
		lines[st] = m
	}
	lineOf := func(st *stage, pos int64) int64 {
		if m, ok := lines[st]; ok {
			return m[pos]
		}
		return pos
	}
	for _, pp := range l.pending {
		p := &l.problems[pp.index]
		p.Line = lineOf(pp.st, pp.pos)
		if pp.other >= 0 {
			other := fmt.Sprintf("%s %d", pp.st.where, lineOf(pp.st, pp.other))
			if f := pp.st.fileAt(pp.other); f != p.File {
				other += " of " + f
			}
			p.Message = strings.ReplaceAll(pp.message, "{other}", other)
		}
	}
	return nil
}
