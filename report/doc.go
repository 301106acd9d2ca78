// Package report writes the planner's run report: one self-contained HTML
// file (report.html) with the run's key figures, its exceptions, and fan
// charts of the forecast demand of the top SKUs and of every SKU with an
// exception, with the network stock projected over the horizon. Charts are
// drawn with gonum's plot and embedded as PNG, so the file opens anywhere,
// without a network.
package report
