package main

import (
	"os"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

// synthetic backtests auto and each single model on the shipped sample
// retailer (make sample's settings), with its drivers as the forecast
// uses them: planned prices and promotions ahead.
func (s *study) synthetic() error {
	dir, err := os.MkdirTemp("", "synthetic")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	res, err := synth.Generate(s.ctx, dir, synth.Config{Stores: 8, SKUs: 60, Days: 730, Seed: 1}, nil)
	if err != nil {
		return err
	}
	store, err := datasets.Open(s.ctx, "", nil)
	if err != nil {
		return err
	}
	defer store.Close()
	tables := map[string]string{}
	for _, t := range []string{"sales", "products", "locations", "prices", "promotions", "openings"} {
		if f, ok := res.Files[t]; ok {
			tables[t] = f
		}
	}
	if _, err := store.Load(s.ctx, datasets.LoadOptions{Files: tables}); err != nil {
		return err
	}
	const h = 28
	p, err := store.ReadPanel(s.ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true, Horizon: h})
	if err != nil {
		return err
	}
	var models []forecast.Model
	for _, name := range []string{"snaive", "ets", "theta", "arima", "auto"} {
		m, err := forecast.ModelNamed(name)
		if err != nil {
			return err
		}
		models = append(models, m)
	}
	// The drivers as the forecast stage decides them (the sample plans its
	// prices and promotions ahead, so none is left out).
	for i, m := range models {
		if models[i], _, err = forecast.WithDrivers(m, p, "auto"); err != nil {
			return err
		}
	}
	w := s.windows(4)
	r, err := s.backtest(p, h, w, models)
	if err != nil {
		return err
	}
	s.printf("## The synthetic retailer\n\n%d daily series of the sample retailer (`make sample`: 8 stores, 60 SKUs, 730 days, store, online and instant channels), "+
		"%d windows of %d days, with planned prices and promotions as drivers and the stores' closed days marked, as the nightly forecast has them.\n\n", p.Len(), w, h)
	s.scoreTable(r.Overall, byName)
	auto := r.Overall[len(r.Overall)-1]
	s.printf("%s\n\n", autoAgainstBest(r.Overall[:len(r.Overall)-1], auto))
	return nil
}
