// Package benchdata builds the large inputs that benchmarks of several
// packages share, such as a database holding an M5-sized synthetic
// retailer's sales, once per machine: they are cached in benchutil.CacheDir.
package benchdata
