#!/usr/bin/env bash
# The nightly run at peak volume: the synthetic retailer at 1x, 3x and 10x
# the M5 data set's 30,490 series (10, 30 and 100 stores of 3,049 SKUs,
# store channel, two years of daily sales with two yearly peaks, every
# plan on, the next peak six weeks ahead) through planner run, one scale
# after another. For each: the wall time and peak resident memory of the
# run (/usr/bin/time), and the run's own line per stage.
#
#   make bench-peak                 # 1x, 3x and 10x
#   SCALES="1" make bench-peak      # one scale
set -euo pipefail
PLANNER=${PLANNER:-bin/planner}
OUT=${OUT:-${TMPDIR:-/tmp}/planner-bench-peak}
for scale in ${SCALES:-1 3 10}; do
	dir=$OUT/x$scale
	rm -rf "$dir"
	"$PLANNER" datasets synth --stores $((10 * scale)) --skus 3049 --days 730 --start 2023-09-27 --horizon 56 \
		--channels store --format parquet --no-truth --peaks --out "$dir" >/dev/null
	printf 'allocate: {}\nproduce: {}\nprice: {}\npeak: {}\nmemory_limit: 8GB\n' >>"$dir/planner.yaml"
	/usr/bin/time -f "%e %M" -o "$dir/time.txt" "$PLANNER" run --config "$dir/planner.yaml" >"$dir/run.txt" 2>"$dir/log.txt" || true
	read -r wall kb < <(tail -1 "$dir/time.txt")
	echo "== ${scale}x: $((30490 * scale)) series: ${wall} s, $(awk "BEGIN{printf \"%.2f\", $kb/1048576}") GB peak"
	grep -E '^  [a-z]+ +[0-9.]+s' "$dir/run.txt" || cat "$dir/run.txt"
done
