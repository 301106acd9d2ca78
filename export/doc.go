// Package export writes the planner's results where their users are: files
// in documented columns that ERPs and scripts import (CSV and Parquet, by
// the file's extension), written atomically so a reader never sees half a
// file.
//
//	forecast.Result --WriteForecasts--> forecasts.csv | forecasts.parquet
//	forecast.Result --WriteModels-----> models.csv (which model, and why, per series)
//	forecast.BacktestResult --WriteBacktest--> backtest.csv
package export
