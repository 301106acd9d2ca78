package datasets_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/series"
)

// write puts a small file in a temporary folder.
func write(dir, name, body string) string {
	path := filepath.Join(dir, name)
	os.WriteFile(path, []byte(body), 0o644)
	return path
}

func ExampleStore_Load() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := datasets.Open(ctx, "", nil) // "" is an in-memory database
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	// A file whose columns have other names loads with a mapping.
	sales := write(dir, "train.csv", "date,store,item,sales\n2024-01-01,1,7,13\n2024-01-02,1,7,11\n")
	m, _ := files.ParseMapping("qty=sales,location=store,sku=item")
	rep, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": sales}, Map: m})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sales rows:", rep.Rows("sales"))

	// A bad file loads nothing and says where the problem is.
	bad := write(dir, "bad.csv", "date,sku,location,qty\n2024-01-03,7,1,-4\n")
	_, err = store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": bad}})
	var ve *datasets.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			if p.Severity == datasets.Error {
				fmt.Printf("%s line %d, column %s: %s\n", filepath.Base(p.File), p.Line, p.Column, p.Message)
			}
		}
	}
	n, _ := store.RowCount(ctx, "sales")
	fmt.Println("sales rows still:", n)
	// Output:
	// sales rows: 2
	// bad.csv line 2, column qty: -4 is negative
	// sales rows still: 2
}

func ExampleStore_ReadPanel() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, _ := datasets.Open(ctx, "", nil)
	defer store.Close()
	sales := write(dir, "sales.csv", "date,sku,location,qty\n"+
		"2024-01-01,A,S1,2\n2024-01-03,A,S1,5\n2024-01-09,A,S1,1\n2024-01-02,B,S1,4\n")
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": sales}}); err != nil {
		fmt.Println(err)
		return
	}
	for _, freq := range []series.Freq{series.Daily, series.Weekly} {
		p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: freq})
		if err != nil {
			fmt.Println(err)
			return
		}
		for i := 0; i < p.Len(); i++ {
			fmt.Println(freq, p.Keys[i].SKU, p.Starts[i], p.Series(i))
		}
	}
	// Output:
	// D A 2024-01-01 [2 0 5 0 0 0 0 0 1]
	// D B 2024-01-02 [4 0 0 0 0 0 0 0]
	// W A 2024-01-01 [7 1]
	// W B 2024-01-01 [4 0]
}
