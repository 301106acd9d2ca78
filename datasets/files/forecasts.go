package files

import (
	"encoding/csv"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/series"
)

// ReadForecasts reads a forecasts file in the columns planner forecast
// writes (a .csv, gzip-compressed or not): sku, location, date and mean
// columns, an optional channel, and quantile columns named p and the
// percent (p10, p2_5). Other columns, such as model, are ignored. Every
// series must cover the same number of consecutive periods; the frequency
// comes from the gap between dates. Series come back sorted by SKU,
// location and channel. Errors name the line and column.
func ReadForecasts(path string) (*series.Forecasts, error) {
	if strings.EqualFold(filepath.Ext(path), ".parquet") {
		return nil, inputErrorf("%s: forecasts are read from .csv files (write them with planner forecast --out forecasts.csv)", path)
	}
	f, err := OpenText(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readForecasts(path, f)
}

func readForecasts(path string, in io.Reader) (*series.Forecasts, error) {
	r := csv.NewReader(in)
	r.ReuseRecord = true
	head, err := r.Read()
	if err == io.EOF {
		return nil, inputErrorf("%s: the file is empty; a forecasts file has a header naming sku, location, date, mean and quantile columns", path)
	}
	if err != nil {
		return nil, csvError(path, err)
	}
	head = slices.Clone(head) // the reader reuses its record
	col := map[string]int{}
	var qcols []int
	var probs []float64
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
		if p, ok := quantileOfColumn(h); ok {
			qcols = append(qcols, i)
			probs = append(probs, p)
		}
	}
	for _, c := range []string{"sku", "location", "date", "mean"} {
		if _, ok := col[c]; !ok {
			return nil, inputErrorf("%s: no %s column; a forecast file has sku, location, date, mean and quantile columns such as p10, p90", path, c)
		}
	}
	// Quantile columns in ascending order of probability.
	order := make([]int, len(qcols))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return probs[order[a]] < probs[order[b]] })
	sortedCols, sortedProbs := make([]int, len(order)), make([]float64, len(order))
	for i, o := range order {
		sortedCols[i], sortedProbs[i] = qcols[o], probs[o]
	}
	type row struct {
		date series.Date
		mean float64
		q    []float64
	}
	bySeries := map[series.Key][]row{}
	var keys []series.Key
	channel, hasChannel := col["channel"]
	number := func(line int, name, s string) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return 0, inputErrorf("%s line %d, column %s: %q is not a number >= 0", path, line, name, s)
		}
		return v, nil
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(head) {
			return nil, inputErrorf("%s line %d: %d fields, the header has %d", path, line, len(rec), len(head))
		}
		k := series.Key{SKU: strings.TrimSpace(rec[col["sku"]]), Location: strings.TrimSpace(rec[col["location"]])}
		if hasChannel {
			k.Channel = strings.TrimSpace(rec[channel])
		}
		if k.SKU == "" || k.Location == "" {
			return nil, inputErrorf("%s line %d: sku and location must not be empty", path, line)
		}
		d, err := series.ParseDate(strings.TrimSpace(rec[col["date"]]))
		if err != nil {
			return nil, inputErrorf("%s line %d, column date: %q is not a date (YYYY-MM-DD)", path, line, rec[col["date"]])
		}
		x := row{date: d, q: make([]float64, len(sortedCols))}
		if x.mean, err = number(line, "mean", rec[col["mean"]]); err != nil {
			return nil, err
		}
		for j, c := range sortedCols {
			if x.q[j], err = number(line, head[c], rec[c]); err != nil {
				return nil, err
			}
		}
		if _, ok := bySeries[k]; !ok {
			keys = append(keys, k)
		}
		bySeries[k] = append(bySeries[k], x)
	}
	if len(keys) == 0 {
		return nil, inputErrorf("%s: no forecast rows", path)
	}
	sort.Slice(keys, func(a, b int) bool {
		x, y := keys[a], keys[b]
		if x.SKU != y.SKU {
			return x.SKU < y.SKU
		}
		if x.Location != y.Location {
			return x.Location < y.Location
		}
		return x.Channel < y.Channel
	})
	h := len(bySeries[keys[0]])
	freq := series.Daily
	for _, k := range keys {
		rows := bySeries[k]
		if len(rows) != h {
			return nil, inputErrorf("%s: %s has %d forecast dates, %s has %d; every series must cover the same horizon", path, k, len(rows), keys[0], h)
		}
		sort.Slice(rows, func(a, b int) bool { return rows[a].date < rows[b].date })
		if len(rows) > 1 {
			switch gap := int(rows[1].date - rows[0].date); {
			case gap == 1:
				freq = series.Daily
			case gap == 7:
				freq = series.Weekly
			case gap >= 28 && gap <= 31:
				freq = series.Monthly
			default:
				return nil, inputErrorf("%s: %s: dates %s and %s are neither a day, a week nor a month apart", path, k, rows[0].date, rows[1].date)
			}
		}
	}
	res := &series.Forecasts{Freq: freq, Horizon: h, Quantiles: sortedProbs, Keys: keys,
		Starts: make([]series.Date, len(keys)),
		Mean:   make([]float64, 0, len(keys)*h), Q: make([]float64, 0, len(keys)*h*len(sortedProbs))}
	for i, k := range keys {
		rows := bySeries[k]
		res.Starts[i] = rows[0].date
		for t, x := range rows {
			if want := freq.Add(rows[0].date, t); x.date != want {
				return nil, inputErrorf("%s: %s: expected a forecast for %s, found %s (a date missing or twice)", path, k, want, x.date)
			}
			res.Mean = append(res.Mean, x.mean)
			res.Q = append(res.Q, x.q...)
		}
	}
	return res, nil
}

// quantileOfColumn reads a quantile column's probability from its name:
// p10 is 0.10, p2_5 is 0.025.
func quantileOfColumn(name string) (float64, bool) {
	if len(name) < 2 || name[0] != 'p' {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(name[1:], "_", "."), 64)
	if err != nil || v <= 0 || v >= 100 {
		return 0, false
	}
	return v / 100, true
}
