// Package datasetstest builds databases for the benchmarks of the packages
// that read the database (datasets, pipeline): a synthetic retailer's
// sales generated and loaded once per machine, cached in
// benchutil.CacheDir. Benchmarks of the planning packages generate their
// inputs in memory instead.
package datasetstest
