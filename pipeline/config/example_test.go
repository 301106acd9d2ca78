package config_test

import (
	"fmt"

	"github.com/planner-engine/planner/pipeline/config"
)

// An empty section means its defaults; a setting checked by the section
// says where it is wrong, as planner.yaml spells it.
func ExampleParse() {
	cfg, err := config.Parse([]byte("inputs:\n  sales: sales.csv\nforecast:\n  horizon: 14\nallocate: {}\n"), "/data")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Inputs.Sales, cfg.DB, cfg.Forecast.Horizon, cfg.Forecast.Models, cfg.Allocate.Method, cfg.Produce == nil)
	_, err = config.Parse([]byte("inputs:\n  sales: s.csv\nreplenish:\n  target: 1.5\n"), "/data")
	fmt.Println(err)
	// Output:
	// /data/sales.csv /data/planner.duckdb 14 auto marginal true
	// replenish.target must be between 0 and 1 (got 1.5)
}

// A command checks the same section with its flags' names.
func ExampleFlag() {
	f := config.DefaultForecast()
	f.Horizon = 0
	fmt.Println(f.Check(config.Flag))
	fmt.Println(f.Check(config.Key("forecast")))
	// Output:
	// --horizon must be at least 1 (got 0)
	// forecast.horizon must be at least 1 (got 0)
}
