// Package datasets is the planner's input side: the canonical schema, the
// loaders that read users' files into the embedded DuckDB database, the
// validation that guards it, and the reader that hands the sales history to
// the planning packages as a series.Panel.
//
// Data flows in one direction:
//
//	files (CSV, .csv.gz, Parquet, XLSX, M5 wide; globs and partition folders) --Load--> stage tables --checks--> canonical tables
//	a PostgreSQL query (COPY to a spool file) ----------------------------------^
//	transaction lines --summed per day in DuckDB (lines.go)--> the sales stage
//	canonical tables --Panels/ReadPanel--> series.Panel (with the days whose demand went unobserved)
//
// Load reads each file into a stage table of its own inside one
// transaction, runs every check (schema rules, references between tables,
// duplicate keys, gaps), and swaps the stages in only when no check found an
// error; otherwise it rolls back and returns a *ValidationError listing every
// problem with its file, line and column. Bulk reading is DuckDB's (read_csv,
// read_parquet); large results come back to Go as Arrow batches through a
// temporary Parquet file (scanArrow), so memory stays bounded.
//
// An input of several files (a glob, a folder) is read as one (parts.go):
// Parquet files with one reader, CSV and XLSX files one by one and then
// merged; each row keeps its file's number in its position, so a problem
// still names its file and line. With --append, rows a file sends again
// replace those loaded before.
//
// The schema is defined once, in schema.go; docs/schema.md is generated
// from it. The synthetic retailer generator lives in datasets/synth.
package datasets
