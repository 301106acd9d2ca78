// Package pipeline runs the nightly job: it reads planner.yaml, runs the
// stages in order (load, then the planning stages as they exist, then
// export), and writes every output into a run folder with a manifest.
//
// A run works in a temporary folder beside the others under out/runs; only
// when every stage has succeeded is the folder renamed into place and
// out/latest pointed at it, so a failed run never touches the outputs of the
// previous one (its folder is kept as <id>.failed for inspection). Outputs
// are written atomically and deterministically: the same inputs and
// configuration give byte-identical files. The manifest records the inputs
// with their checksums, the configuration, the version, and per-stage
// timings, row counts and warnings; only its timings and run id differ
// between two identical runs.
//
// A run can also be spread over machines by SKU: Split writes each
// shard's inputs and the network's parameters (LearnNetworkParams), which
// every shard plans with; RunShard runs the stages on one shard and
// uploads its outputs with a manifest; Reduce checks the manifests and
// plans production, whose factories serve SKUs of every shard. The shards'
// plans together are the whole run's, row for row (architecture.md, Many
// machines).
package pipeline
