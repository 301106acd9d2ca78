// Package deploy holds what runs the planner on a cluster: the Kubernetes
// manifests of a sharded run (an Indexed Job of planner shard, then a Job
// of planner reduce) and the container image's Dockerfile. Its test
// decodes the manifests strictly into the Kubernetes API's types, so a
// misspelt field fails without a cluster.
package deploy
