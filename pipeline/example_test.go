package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

func ExampleExecute() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	// A small retailer, with the planner.yaml that runs it.
	res, err := synth.Generate(ctx, dir, synth.Config{Stores: 2, SKUs: 4, Days: 60, Horizon: 7}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := config.Load(res.Files["config"])
	if err != nil {
		fmt.Println(err)
		return
	}
	now := func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
	m, err := pipeline.Execute(ctx, cfg, pipeline.Options{Version: "example", Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.RunID, m.Status)
	for _, s := range m.Stages {
		fmt.Println(s.Name, s.Status)
	}
	latest, _ := os.Readlink(filepath.Join(cfg.Out, "latest"))
	fmt.Println("latest ->", latest)
	// The run finishes with exceptions to review: the small retailer's
	// stores order more than one of its DCs holds today.
	// Output:
	// 20261123T020000Z exceptions
	// load ok
	// summary ok
	// forecast ok
	// replenish ok
	// allocate ok
	// produce ok
	// export ok
	// report ok
	// latest -> runs/20261123T020000Z
}
