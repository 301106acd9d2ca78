package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// Orders go out with stable ids, one line per order, in the columns of
// docs/schema.md; the extension picks the format.
func ExampleWriteOrders() {
	dir, _ := os.MkdirTemp("", "orders")
	defer os.RemoveAll(dir)
	day := series.MustParseDate("2026-03-02")
	lines := []replenish.Line{{ID: "TO-0123456789ab", Transfer: true, SKU: "A", From: "DC1", To: "S1", Qty: 12, OrderDate: day, ReceiptDate: day + 2,
		UnitCost: 1.5, Policy: "order-up-to", Reason: "inventory position 3 < order-up-to level 15", Class: "AX",
		Target:   replenish.Target{Level: 0.95, Type: replenish.FillRate},
		Channels: []series.ChannelUnits{{Channel: "instant", Units: 4}, {Channel: "store", Units: 8.5}}}}
	path := filepath.Join(dir, "orders.csv")
	if err := export.WriteOrders(path, lines); err != nil {
		fmt.Println(err)
		return
	}
	raw, _ := os.ReadFile(path)
	fmt.Print(string(raw))
	// Output:
	// order_id,type,sku,from,to,quantity,order_date,receipt_date,unit_cost,policy,reason,exception,inventory_position,reorder_point,order_up_to,safety_stock,protection_demand,class,target,schema,order_multiple,max_quantity,channel_split
	// TO-0123456789ab,transfer,A,DC1,S1,12,2026-03-02,2026-03-04,1.5,order-up-to,inventory position 3 < order-up-to level 15,,0,0,0,0,0,AX,0.95 fill,orders/1,1,12,store 68%; instant 32%
}

// Forecasts are written with a column per quantile, named by its percent.
func ExampleWriteForecasts() {
	dir, _ := os.MkdirTemp("", "forecasts")
	defer os.RemoveAll(dir)
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "A", Location: "S1", Channel: "store"}, series.MustParseDate("2026-03-01"), []float64{4, 4, 4, 4})
	res, err := forecast.Run(context.Background(), p, forecast.Options{Horizon: 2, Model: forecast.Naive{}, Quantiles: []float64{0.1, 0.9}})
	if err != nil {
		fmt.Println(err)
		return
	}
	path := filepath.Join(dir, "forecasts.csv")
	if err := export.WriteForecasts(path, res); err != nil {
		fmt.Println(err)
		return
	}
	raw, _ := os.ReadFile(path)
	fmt.Print(string(raw))
	// Output:
	// sku,location,date,model,mean,p10,p90,channel,override
	// A,S1,2026-03-05,Naive,4,1.5575,6.6793,store,
	// A,S1,2026-03-06,Naive,4,1.5575,6.6793,store,
}

// A plan file's rows become request lines for the ERP: numbers stay
// numbers, every line carries its id as line_id; the approved lines go,
// with a merchandiser's edited quantity where there is one; a line of
// quantity 0 (cut to nothing, or edited to 0) is not sent.
func ExamplePushPlan_LinesOf() {
	orders := export.PushPlans()[0]
	lines, err := orders.LinesOf("orders.csv", []string{"order_id", "sku", "quantity", "reason"},
		[][]string{{"PO-1", "A", "12", "low stock"}, {"PO-2", "B", "6", "new"}, {"PO-3", "C", "4", "new"}, {"PO-4", "D", "0", "cut"}, {"PO-5", "E", "3", "new"}},
		func(id string) (string, bool) {
			return map[string]string{"PO-2": "", "PO-3": "5", "PO-5": "0"}[id], id != "PO-1"
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range lines {
		fmt.Println(l.ID, string(l.JSON))
	}
	// Output:
	// PO-2 {"line_id":"PO-2","order_id":"PO-2","sku":"B","quantity":6,"reason":"new"}
	// PO-3 {"line_id":"PO-3","order_id":"PO-3","sku":"C","quantity":5,"reason":"new"}
}
