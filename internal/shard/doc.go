// Package shard assigns SKUs to the shards of a run spread over many
// machines. All locations of a SKU go to one shard, because allocation
// and production need every location of a SKU together.
//
// The shard of a SKU is the first 8 bytes of the MD5 of its UTF-8 bytes,
// read as a big-endian unsigned 64-bit integer, modulo the number of
// shards. It is the same in Go (Of) and in SQL (SQL: DuckDB's md5; the
// same expression works in Spark, BigQuery and Snowflake with their md5
// and hex functions), so an upstream export can write a shard's partition
// directly. A database's own hash() function has no cross-version
// guarantee and is never used.
package shard
