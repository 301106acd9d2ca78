# planner: two commands do all the set-up on a fresh machine (Go and a C
# compiler, for DuckDB's cgo driver):
#
#   make demo   build planner, generate the sample retailer, run the nightly job into out/
#   make test   vet and test everything (what CI runs)
#
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
PLANNER := bin/planner

.PHONY: demo test build sample bench bench-peers bench-peak studies docs check-xlsx check-report clean

# A run with exceptions to review (DC stock short, minimum orders far
# above demand) exits 3 by default; the demo, as a scheduler would, asks
# for 0 and leaves them in out/latest/exceptions.csv.
demo: build sample
	$(PLANNER) run --config planner.yaml --exceptions-exit-code 0
	@echo "Outputs: out/latest/ (manifest.json, summary.json, problems.csv, exceptions.csv, forecasts.csv, models.csv, orders.csv, allocation.csv, production.csv, capacity_load.csv, prices.csv, elasticities.csv, markdowns.csv, atp.csv, placement.csv, assortment.csv, plan.xlsx, report.html)"

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

# The nightly run at 1x, 3x and 10x the M5 data set's series (about 25 minutes; BENCHMARKS.md,
# Peak readiness).
bench-peak: build
	notebooks/peak/bench.sh

# The studies in notebooks/ (they read ../shared/data; about twenty minutes).
studies:
	go run ./notebooks/forecast-accuracy -data ../shared/data -out notebooks/forecast-accuracy
	go run ./notebooks/replenishment -data ../shared/data -out notebooks/replenishment
	go run ./notebooks/allocation -data ../shared/data -out notebooks/allocation
	go run ./notebooks/production -out notebooks/production
	go run ./notebooks/peak -out notebooks/peak
	go run ./notebooks/placement -out notebooks/placement
	go run ./notebooks/omnichannel -out notebooks/omnichannel
	go run ./notebooks/assortment -data ../shared/data -out notebooks/assortment
	go run ./notebooks/pricing -data ../shared/data -out notebooks/pricing
	go run ./notebooks/closed-days -data ../shared/data -out notebooks/closed-days

# Opens the demo's workbook in LibreOffice (Debian's libreoffice-calc; not
# in CI): converts it to PDF and every sheet to CSV, and checks that the
# Summary prints on one page, that each plan sheet's Approve column sits
# between the editable column and Note, right after the keys, that the
# Summary chart's date axis has a date format, and that the plan sheets
# hold the plan files' lines, in order.
XLSX_CHECK := out/xlsx-check
check-xlsx: demo
	@command -v libreoffice >/dev/null || { echo "check-xlsx needs LibreOffice: apt-get install libreoffice-calc poppler-utils"; exit 1; }
	@command -v pdftotext >/dev/null || { echo "check-xlsx needs pdftotext: apt-get install poppler-utils"; exit 1; }
	rm -rf $(XLSX_CHECK) && mkdir -p $(XLSX_CHECK)
	libreoffice --headless --convert-to pdf --outdir $(XLSX_CHECK) out/latest/plan.xlsx >/dev/null
	libreoffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
		--outdir $(XLSX_CHECK) out/latest/plan.xlsx >/dev/null
	pdftotext -f 2 -l 2 $(XLSX_CHECK)/plan.pdf - | head -1 | grep -q '^Value at risk' || { echo "the Summary does not fit on one page"; exit 1; }
	head -1 $(XLSX_CHECK)/plan-Orders.csv | cut -d, -f9-11 | grep -qx 'Quantity,Approve,Note' || { echo "Orders: Approve is not between Quantity and Note"; exit 1; }
	head -1 $(XLSX_CHECK)/plan-Allocation.csv | cut -d, -f9-11 | grep -qx 'Quantity,Approve,Note' || { echo "Allocation: Approve is not between Quantity and Note"; exit 1; }
	python3 -c "import zipfile,sys; x=zipfile.ZipFile('out/latest/plan.xlsx').read('xl/charts/chart1.xml').decode(); sys.exit(0 if 'formatCode=\"d mmm\"' in x else 1)" \
		|| { echo "the Summary chart's date axis has no date format"; exit 1; }
	for p in orders allocation prices; do \
		sheet=$$(echo $$p | sed 's/^./\U&/'); \
		tail -n +2 out/latest/$$p.csv | cut -d, -f1 > $(XLSX_CHECK)/$$p.ids; \
		tail -n +2 $(XLSX_CHECK)/plan-$$sheet.csv | cut -d, -f1 > $(XLSX_CHECK)/sheet-$$p.ids; \
		cmp $(XLSX_CHECK)/$$p.ids $(XLSX_CHECK)/sheet-$$p.ids || exit 1; \
	done
	grep -q '^Exceptions to review' $(XLSX_CHECK)/plan-Summary.csv
	@echo "LibreOffice read out/latest/plan.xlsx: the Summary on one page, Approve beside the keys, a date axis, plan lines as in the plan files ($(XLSX_CHECK)/)"

# Takes a screenshot of the demo's report in headless Chromium (Debian's
# chromium; not in CI), to look at: out/report-check/report.png.
REPORT_CHECK := out/report-check
check-report: demo
	@command -v chromium >/dev/null || { echo "check-report needs Chromium: apt-get install chromium"; exit 1; }
	rm -rf $(REPORT_CHECK) && mkdir -p $(REPORT_CHECK)
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir=$(REPORT_CHECK)/profile --hide-scrollbars \
		--window-size=1280,1600 --screenshot=$(REPORT_CHECK)/report.png file://$(CURDIR)/out/latest/report.html 2>/dev/null
	test -s $(REPORT_CHECK)/report.png
	@echo "Screenshot of out/latest/report.html: $(REPORT_CHECK)/report.png"

docs: build
	$(PLANNER) schema > docs/schema.md
	$(PLANNER) schema --json-schemas docs/schemas

clean:
	rm -rf bin out sample planner.duckdb planner.duckdb.wal
