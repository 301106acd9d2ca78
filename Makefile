# The Arrow interface of DuckDB's Go driver is behind a build tag; every
# target builds with it so that columns move between DuckDB and Go in bulk.
GOFLAGS += -tags=duckdb_arrow
export GOFLAGS

.PHONY: build test
build:
	go build -o bin/planner ./cmd/planner

test:
	go vet ./...
	go test ./...
