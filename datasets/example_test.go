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

// Point-of-sale lines are summed into daily rows as they load: units sold
// are demand, a return goes to returns, a cancellation is counted and left
// out.
func ExampleStore_Load_transactionLines() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	pos := write(dir, "pos.csv", "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,Shop\n"+
		"1001,A,2,2024-03-01 09:15,1.50,S1\n1002,A,1,2024-03-01 17:40,1.20,S1\n"+
		"1003,A,-1,2024-03-01 18:00,1.50,S1\nC1004,A,-2,2024-03-01 18:05,1.50,S1\n")
	m, _ := files.ParseMapping("order_id=InvoiceNo,sku=StockCode,qty=Quantity,date=InvoiceDate,price=UnitPrice,location=Shop")
	rep, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": pos}, Map: m, Grain: datasets.GrainTransaction})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d lines: %d sold, %d returned, %d cancelled\n", rep.Lines.Lines, rep.Lines.Sales, rep.Lines.Returns, rep.Lines.Cancellations)
	var day string
	var qty, price, returns float64
	var orders int
	store.DB().QueryRow("SELECT date::VARCHAR, qty, round(price, 2), returns, orders FROM sales").Scan(&day, &qty, &price, &returns, &orders)
	fmt.Println(day, qty, price, returns, orders)
	// Output:
	// 4 lines: 2 sold, 1 returned, 1 cancelled
	// 2024-03-01 3 1.4 1 2
}
