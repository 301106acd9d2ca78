package files_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/planner-engine/planner/datasets/files"
)

func ExampleParseMapping() {
	m, err := files.ParseMapping("qty=units,location=store_id,products.name=description")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m["qty"], m["products.name"])
	_, err = files.ParseMapping("qty")
	fmt.Println(err)
	// Output:
	// units description
	// --map entry "qty" is not canonical=source (for example qty=units)
}

// A forecasts file written by planner forecast reads back as forecasts:
// its frequency from the dates, its quantiles from the columns' names.
func ExampleReadForecasts() {
	dir, _ := os.MkdirTemp("", "forecasts")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "forecasts.csv")
	os.WriteFile(path, []byte("sku,location,date,model,mean,p10,p90,channel\n"+
		"A,S1,2026-03-02,ETS,5,2,8,store\nA,S1,2026-03-09,ETS,6,3,9,store\n"), 0o644)
	fc, err := files.ReadForecasts(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fc.Freq, fc.Horizon, fc.Quantiles, fc.Keys[0], fc.Starts[0], fc.Mean)
	// Output:
	// W 2 [0.1 0.9] A@S1/store 2026-03-02 [5 6]
}

// A small table reads whole; its accessors name the file, line and
// column of a value they refuse.
func ExampleReadCSVTable() {
	dir, _ := os.MkdirTemp("", "table")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "stock.csv")
	os.WriteFile(path, []byte("SKU,qty\nA,12\nB,ten\n"), 0o644)
	t, err := files.ReadCSVTable(path, "sku", "qty")
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < t.Len(); i++ {
		q, err := t.Number(i, "qty", 0, 0)
		fmt.Println(t.String(i, "sku"), q, err != nil)
	}
	_, err = t.Number(1, "qty", 0, 0)
	fmt.Println(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)))
	// Output:
	// A 12 false
	// B 0 true
	// stock.csv line 3, column qty: "ten" is not a number
}

// A folder of partitions expands to its data files, sorted; markers that
// writers leave (_SUCCESS) are skipped. The folders' key=value names are
// columns.
func ExampleExpand() {
	dir, _ := os.MkdirTemp("", "sales")
	defer os.RemoveAll(dir)
	for _, day := range []string{"2024-01-02", "2024-01-01"} {
		os.MkdirAll(filepath.Join(dir, "date="+day), 0o755)
		os.WriteFile(filepath.Join(dir, "date="+day, "part-0.csv"), []byte("sku,qty\nA,1\n"), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "_SUCCESS"), nil, 0o644)
	paths, err := files.Expand(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		fmt.Println(filepath.ToSlash(rel), files.HiveKeys(p))
	}
	_, err = files.Expand(filepath.Join(dir, "*.parquet"))
	fmt.Println(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)))
	// Output:
	// date=2024-01-01/part-0.csv [date]
	// date=2024-01-02/part-0.csv [date]
	// *.parquet: no file matches the pattern
}

// A database URL is shown and recorded without its password.
func ExampleRedactURL() {
	url := "postgres://planner:hunter22@warehouse.example:5432/retail?sslmode=require"
	fmt.Println(files.IsDatabaseURL(url), files.RedactURL(url))
	// Output:
	// true postgres://planner:xxxxx@warehouse.example:5432/retail?sslmode=require
}
