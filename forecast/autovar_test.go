package forecast_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

func TestAutoVariants(t *testing.T) {
	ctx := context.Background()
	s, err := datasets.Open(ctx, "/tmp/sid.duckdb", &datasets.StoreOptions{ReadOnly: true})
	if err != nil {
		t.Skip(err)
	}
	p, _ := s.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily})
	s.Close()
	ms := func(w int) forecast.Model { return forecast.MultiSeasonal{Inner: forecast.ETS{}, InnerWindow: w} }
	models := []forecast.Model{
		ms(0), ms(364), ms(182),
		forecast.Auto{Candidates: []forecast.Model{ms(364), forecast.Theta{Variant: forecast.DOTM}, forecast.SeasonalNaive{}}},
		forecast.Auto{Candidates: []forecast.Model{ms(364), forecast.ETS{}, forecast.Theta{Variant: forecast.DOTM}, forecast.SeasonalNaive{}}},
	}
	res, err := forecast.Backtest(ctx, p, forecast.BacktestOptions{Horizon: 28, Windows: 3, Models: models})
	if err != nil {
		t.Fatal(err)
	}
	for i, sc := range res.Overall {
		fmt.Printf("%d %-40s RMSSE %.4f MASE %.4f cover80 %.3f cover95 %.3f\n", i, sc.Model, sc.RMSSE, sc.MASE, sc.Coverage80, sc.Coverage95)
	}
}
