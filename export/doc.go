// Package export writes the planner's results where their users are, and
// reads back what users send in return. Files go out in documented,
// versioned columns (docs/schema.md, with a JSON Schema each in
// docs/schemas), as CSV, Parquet, JSON or JSON Lines by the file's
// extension, written atomically so a reader never sees half a file.
//
//	forecast.Result ----------WriteForecasts--> forecasts.csv | .parquet (ReadForecasts reads it back)
//	forecast.Result ----------WriteModels-----> models.csv (which model, and why, per series)
//	forecast.BacktestResult --WriteBacktest---> backtest.csv
//	[]replenish.Line ---------WriteOrders-----> orders.csv (orders/1)
//	[]allocation.Allocation --WriteAllocation-> allocation.csv (allocation/1)
//	production plans ---------WriteProduction, WriteCapacityLoad -> production.csv, capacity_load.csv
//	Workbook -----------------WriteWorkbook---> plan.xlsx for merchandisers (ReadApprovals reads the approve column back)
//	a run's plan files -------Push------------> an ERP's HTTP API, in batches, resumable
package export
