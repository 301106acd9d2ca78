// Package config is planner.yaml: the nightly run's configuration, one
// section per plan, with each section's defaults (Default* functions, the
// only place a default lives) and its checks.
//
// The commands bind their flags into these same sections, so that planner
// forecast --horizon 14 and a forecast section with horizon: 14 are one
// setting checked by one function. A check names a setting through a
// function of its key, so that the same rule says "forecast.horizon" in a
// file and "--horizon" on a command line.
//
// The package is free of cgo (it reads YAML and checks values with the
// planning packages' parsers), so planner.yaml's parser is fuzzed at full
// speed.
package config
