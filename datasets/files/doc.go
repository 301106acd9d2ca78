// Package files is the byte-level side of reading users' files: opening
// text that may be gzip-compressed, recognising a CSV file's separator,
// header and date format, reading XLSX sheets, parsing --map, and reading
// the small files planning commands take besides the database (forecasts,
// DC and store stock, store rules, like items, production demand, capacity
// and costs, per-SKU targets), the merchandisers' approval workbooks and a
// run's plan files.
//
// It is kept free of cgo, apart from the DuckDB-backed loader in the
// datasets package that uses it, so that every parser of user input here
// is fuzzed at full speed (go test -fuzz); the fuzz targets are in
// fuzz_test.go, their corpora in testdata/fuzz.
//
// Every error names the file and, where there is one, the line (or sheet
// and row) and column, and says what to do; none quotes Go or a library.
package files
