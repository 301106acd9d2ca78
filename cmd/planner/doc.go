// Command planner is the demand-forecasting and supply-chain planning engine:
// it loads a retailer's data into an embedded DuckDB database, forecasts and
// plans, and writes the plans for merchandisers and ERPs. Run planner help
// for the commands, and see docs/cli.md for their contracts.
//
// The CLI lives in one file per command. Each command turns its flags into
// an options struct and makes one call into a package (datasets, pipeline,
// ...); the streams it prints to and the clock are fields of app, so tests
// run commands in-process with buffers.
//
// Exit codes are a contract (docs/cli.md):
//
//	0  success
//	1  failure (an error that is not the input's fault)
//	2  bad usage or invalid input (every problem is listed)
//	3  the run finished, with exceptions for planners to review
package main
