package synth_test

import (
	"context"
	"fmt"
	"os"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/series"
)

func parseDate(s string) (series.Date, error) { return series.ParseDate(s) }

func ExampleGenerate() {
	dir, _ := os.MkdirTemp("", "retailer")
	defer os.RemoveAll(dir)
	res, err := synth.Generate(context.Background(), dir, synth.Config{Stores: 2, SKUs: 3, Days: 60, Horizon: 14}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("series:", res.Series)
	fmt.Println("history:", res.FirstDate, "to", res.LastDate, "horizon to", res.HorizonEnd)
	fmt.Println("sales rows:", res.Rows["sales"])
	// Output:
	// series: 12
	// history: 2023-01-02 to 2023-03-02 horizon to 2023-03-16
	// sales rows: 720
}
