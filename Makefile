# planner: two commands do all the set-up on a fresh machine (Go and a C
# compiler, for DuckDB's cgo driver):
#
#   make demo   build planner, generate the sample retailer, run the nightly job into out/
#   make test   vet and test everything (what CI runs)
#
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
PLANNER := bin/planner

.PHONY: demo test build sample bench bench-peers studies docs check-xlsx clean

# A run with exceptions to review (DC stock short, minimum orders far
# above demand) exits 3 by default; the demo, as a scheduler would, asks
# for 0 and leaves them in out/latest/exceptions.csv.
demo: build sample
	$(PLANNER) run --config planner.yaml --exceptions-exit-code 0
	@echo "Outputs: out/latest/ (manifest.json, summary.json, problems.csv, exceptions.csv, forecasts.csv, models.csv, orders.csv, allocation.csv, production.csv, capacity_load.csv, prices.csv, elasticities.csv, markdowns.csv, plan.xlsx, report.html)"

test:
	go vet ./...
	go test ./...

build:
	go build -ldflags "-X main.version=$(VERSION)" -o $(PLANNER) ./cmd/planner

# The shipped sample retailer: small enough to run in seconds, generated
# (not committed) so that it always matches the generator.
sample: build
	$(PLANNER) datasets synth --stores 8 --skus 60 --days 730 --seed 1 --out sample

# Benchmarks; those on ../shared/data skip when it is absent. BENCHMARKS.md
# lists the figures and the commands for each.
bench:
	go test -run '^$$' -bench . -benchmem -benchtime 3x ./datasets/ ./datasets/synth/ ./series/
	go test -run '^$$' -bench 'Fit' -benchmem ./forecast/
	go test -run '^$$' -bench 'RunPerSeries' -benchtime 1x -timeout 2h ./forecast/
	go test -run '^$$' -bench ForecastM5 -benchtime 1x -timeout 90m ./pipeline/
	go test -run '^$$' -bench . -benchmem -benchtime 3x ./replenish/
	go test -run '^$$' -bench PlanNetwork -benchmem -benchtime 3x ./pipeline/
	go test -run '^$$' -bench . -benchmem -benchtime 3x ./allocation/
	go test -run '^$$' -bench WritePlan -benchmem -benchtime 3x ./export/
	go test -run '^$$' -bench PlanFactories -benchmem -benchtime 3x ./production/
	go test -run '^$$' -bench EstimateAndPrice -benchmem -benchtime 3x ./pricing/

# R's forecast package on the study's series and windows (Debian's r-cran-forecast; never in CI).
# Four runs, two at a time: Store Item Demand (about 45 minutes) beside
# dunnhumby, then the Rossmann stores without and with the promotion flag
# (about 30 minutes each).
bench-peers:
	Rscript notebooks/forecast-accuracy/peers.R ../shared/data notebooks/forecast-accuracy/peers 50 sid & \
	Rscript notebooks/forecast-accuracy/peers.R ../shared/data notebooks/forecast-accuracy/peers 100000 dh 100; wait
	Rscript notebooks/forecast-accuracy/peers.R ../shared/data notebooks/forecast-accuracy/peers 100000 ross & \
	Rscript notebooks/forecast-accuracy/peers.R ../shared/data notebooks/forecast-accuracy/peers 100000 rossx; wait

# The studies in notebooks/ (they read ../shared/data; about twenty minutes).
studies:
	go run ./notebooks/forecast-accuracy -data ../shared/data -out notebooks/forecast-accuracy
	go run ./notebooks/replenishment -data ../shared/data -out notebooks/replenishment
	go run ./notebooks/allocation -data ../shared/data -out notebooks/allocation
	go run ./notebooks/production -out notebooks/production
	go run ./notebooks/pricing -data ../shared/data -out notebooks/pricing
	go run ./notebooks/closed-days -data ../shared/data -out notebooks/closed-days

# Opens the demo's workbook in LibreOffice (Debian's libreoffice-calc; not
# in CI): converts it to PDF and every sheet to CSV, and checks that the
# plan sheets hold the plan files' lines, in order.
XLSX_CHECK := out/xlsx-check
check-xlsx: demo
	@command -v libreoffice >/dev/null || { echo "check-xlsx needs LibreOffice: apt-get install libreoffice-calc"; exit 1; }
	rm -rf $(XLSX_CHECK) && mkdir -p $(XLSX_CHECK)
	libreoffice --headless --convert-to pdf --outdir $(XLSX_CHECK) out/latest/plan.xlsx >/dev/null
	libreoffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
		--outdir $(XLSX_CHECK) out/latest/plan.xlsx >/dev/null
	test -s $(XLSX_CHECK)/plan.pdf
	cut -d, -f1 out/latest/orders.csv > $(XLSX_CHECK)/orders.ids
	cut -d, -f1 $(XLSX_CHECK)/plan-Orders.csv > $(XLSX_CHECK)/sheet-orders.ids
	cmp $(XLSX_CHECK)/orders.ids $(XLSX_CHECK)/sheet-orders.ids
	cut -d, -f1 out/latest/allocation.csv > $(XLSX_CHECK)/allocation.ids
	cut -d, -f1 $(XLSX_CHECK)/plan-Allocation.csv > $(XLSX_CHECK)/sheet-allocation.ids
	cmp $(XLSX_CHECK)/allocation.ids $(XLSX_CHECK)/sheet-allocation.ids
	cut -d, -f1 out/latest/prices.csv > $(XLSX_CHECK)/prices.ids
	cut -d, -f1 $(XLSX_CHECK)/plan-Prices.csv > $(XLSX_CHECK)/sheet-prices.ids
	cmp $(XLSX_CHECK)/prices.ids $(XLSX_CHECK)/sheet-prices.ids
	grep -q '^Exceptions to review' $(XLSX_CHECK)/plan-Summary.csv
	@echo "LibreOffice read out/latest/plan.xlsx: PDF and one CSV per sheet in $(XLSX_CHECK)/, plan lines as in the plan files"

docs: build
	$(PLANNER) schema > docs/schema.md
	$(PLANNER) schema --json-schemas docs/schemas

clean:
	rm -rf bin out sample planner.duckdb planner.duckdb.wal
