// Package notebooks holds reproducible studies: Go programs, one per
// folder, that read the shared development data (../shared/data beside the
// repository), measure the planner on it, and write a Markdown report with
// its tables and plots into their folder. They are run by hand (make
// studies), never in CI, and say so when the data is absent.
package notebooks
