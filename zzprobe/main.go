package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

func main() {
	ctx := context.Background()
	dir := "../shared/data/dunnhumby"
	store, _ := datasets.Open(ctx, "", nil)
	m, _ := datasets.ParseMapping("sku=upc_id,location=store_id,qty=units,date=week_end_date,promo=tpr_only,products.name=description," +
		"products.department=sub_category,products.brand=manufacturer,locations.name=store_name,locations.region=address_state_prov_code")
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{
		"sales": filepath.Join(dir, "transaction.csv.gz"), "products": filepath.Join(dir, "product.csv"), "locations": filepath.Join(dir, "store.csv")}, Map: m}); err != nil {
		panic(err)
	}
	p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Weekly, TrimLeadingZeros: true})
	if err != nil {
		panic(err)
	}
	for i := 0; i < p.Len(); i++ {
		if p.Keys[i].SKU == "2840002333" && p.Keys[i].Location == "2541" {
			y := p.Series(i)
			fmt.Println(len(y), y)
			tr := y[:len(y)-13]
			info := &forecast.SeriesInfo{Freq: series.Weekly, Period: 52, Horizon: 13, Count: true}
			fit, _ := forecast.ETS{}.Fit(tr, info)
			mean, sd := make([]float64, 13), make([]float64, 13)
			fit.Predict(mean, sd)
			fmt.Println(fit.Describe(), mean[:3], sd[:3])
		}
	}
	r, err := forecast.Backtest(ctx, p, forecast.BacktestOptions{Horizon: 13, Windows: 4, Models: []forecast.Model{forecast.ETS{}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Overall[0].SPL)
	ss := r.Series
	sort.Slice(ss, func(i, j int) bool { return ss[i].SPL > ss[j].SPL })
	for _, s := range ss[:8] {
		fmt.Println(s.Key, s.Chosen, s.SPL, s.MASE)
	}
}
