package forecast_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

func TestM5Prof(t *testing.T) {
	ctx := context.Background()
	s, err := datasets.Open(ctx, "/tmp/planner-bench/m5/bench.duckdb", &datasets.StoreOptions{ReadOnly: true})
	if err != nil {
		t.Skip(err)
	}
	p, _ := s.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true})
	s.Close()
	t0 := time.Now()
	res, err := forecast.Run(ctx, p, forecast.Options{Horizon: 28})
	fmt.Println(time.Since(t0), err, res.Len())
}
