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
