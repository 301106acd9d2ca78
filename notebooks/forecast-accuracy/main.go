// Command forecast-accuracy measures the planner's forecasts on the shared
// data and writes README.md, with fan charts, into its folder:
//
//	go run ./notebooks/forecast-accuracy -data ../shared/data
//
// Store Item Demand: the last year, 13 windows of 28 days. dunnhumby: the
// last year, 4 windows of 13 weeks, with and without price and promotion
// drivers. When R's results are present (peers.R, run by make bench-peers),
// the same series and windows are scored for R's ets, auto.arima and thetaf
// and set beside the planner's, with the time per fit of each.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/forecast/metrics"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

func main() {
	data := flag.String("data", "../shared/data", "the shared data folder")
	out := flag.String("out", "notebooks/forecast-accuracy", "folder for the report and its plots")
	quick := flag.Bool("quick", false, "fewer windows, for trying the program out")
	waitPeers := flag.Duration("wait-peers", 0, "how long to wait for R's results (make bench-peers running beside the study)")
	parts := flag.String("parts", "sid,dh,ross,synthetic,peers,fans", "the parts to run, for trying one out (the report is complete only with all)")
	rossModels := flag.String("ross-models", "auto,ets,theta,arima,snaive", "the models forecasting the Rossmann stores")
	flag.Parse()
	if _, err := os.Stat(filepath.Join(*data, "store-item-demand", "train.csv.gz")); err != nil {
		log.Fatalf("the shared data is not at %s (this study reads it; pass -data)", *data)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	s := &study{data: *data, out: *out, quick: *quick, waitPeers: *waitPeers, ctx: context.Background(), parts: map[string]bool{},
		rossModels: *rossModels}
	for _, p := range strings.Split(*parts, ",") {
		s.parts[strings.TrimSpace(p)] = true
	}
	if err := s.run(); err != nil {
		log.Fatal(err)
	}
}

type study struct {
	data, out string
	quick     bool
	parts     map[string]bool
	waitPeers time.Duration
	// rossModels lists the models of the Rossmann part, comma-separated.
	rossModels string
	ctx        context.Context
	report     strings.Builder
}

func (s *study) printf(format string, args ...any) { fmt.Fprintf(&s.report, format, args...) }

func (s *study) windows(n int) int {
	if s.quick {
		return 2
	}
	return n
}

func (s *study) run() error {
	began := time.Now()
	s.printf("# Forecast accuracy\n\n")
	s.printf("Measured by `go run ./notebooks/forecast-accuracy -data ../shared/data` (R's side by `make bench-peers`) on %s; 2 cores. ", time.Now().UTC().Format("2006-01-02"))
	s.printf("Scaled errors divide by the in-sample error of the naive forecast (RMSSE, SPL) or the seasonal naive (MASE) from each series' first sale; ")
	s.printf("WAPE and bias are over all series and periods; coverage is the share of actuals inside the 80%% and 95%% intervals (from the p10/p90 and p2.5/p97.5 quantiles).\n\n")

	var sid, dh *series.Panel
	if s.parts["sid"] || s.parts["peers"] || s.parts["fans"] {
		var err error
		if sid, err = s.loadSID(); err != nil {
			return err
		}
		if dh, err = s.loadDH(); err != nil {
			return err
		}
	}
	for _, part := range []struct {
		name string
		run  func() error
	}{
		{"sid", func() error { return s.storeItemDemand(sid) }},
		{"dh", func() error { return s.dunnhumby(dh) }},
		{"ross", s.rossmann},
		{"synthetic", s.synthetic},
		{"peers", func() error { return s.peers(sid, dh) }},
		{"fans", func() error { return s.fanCharts(sid, dh) }},
	} {
		if !s.parts[part.name] {
			continue
		}
		if err := part.run(); err != nil {
			return err
		}
	}
	s.printf("\nThe study took %s.\n", time.Since(began).Round(time.Second))
	return fsutil.WriteFile(filepath.Join(s.out, "README.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, s.report.String())
		return err
	})
}

func (s *study) load(byTable map[string]string, mapping string, freq series.Freq, drivers bool, horizon int) (*series.Panel, *supply.Labels, error) {
	store, err := datasets.Open(s.ctx, "", nil)
	if err != nil {
		return nil, nil, err
	}
	defer store.Close()
	m, err := files.ParseMapping(mapping)
	if err != nil {
		return nil, nil, err
	}
	if _, err := store.Load(s.ctx, datasets.LoadOptions{Files: byTable, Map: m}); err != nil {
		return nil, nil, err
	}
	labels, err := store.HierarchyLabels(s.ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := store.ReadPanel(s.ctx, datasets.PanelOptions{Freq: freq, TrimLeadingZeros: true, Drivers: drivers, Horizon: horizon})
	return p, labels, err
}

func (s *study) loadSID() (*series.Panel, error) {
	p, _, err := s.load(map[string]string{"sales": filepath.Join(s.data, "store-item-demand", "train.csv.gz")},
		"qty=sales,location=store,sku=item", series.Daily, false, 0)
	return p, err
}

func (s *study) loadDH() (*series.Panel, error) {
	dir := filepath.Join(s.data, "dunnhumby")
	p, _, err := s.load(map[string]string{
		"sales": filepath.Join(dir, "transaction.csv.gz"), "products": filepath.Join(dir, "product.csv"), "locations": filepath.Join(dir, "store.csv"),
	}, "sku=upc_id,location=store_id,qty=units,date=week_end_date,promo=tpr_only,products.name=description,"+
		"products.department=sub_category,products.brand=manufacturer,locations.name=store_name,locations.region=address_state_prov_code",
		series.Weekly, true, 13)
	return p, err
}

// backtest runs models and returns their overall scores (and per series).
func (s *study) backtest(p *series.Panel, h, windows int, models []forecast.Model, opts ...func(*forecast.BacktestOptions)) (*forecast.BacktestResult, error) {
	bo := forecast.BacktestOptions{Horizon: h, Windows: windows, Models: models}
	for _, o := range opts {
		o(&bo)
	}
	t0 := time.Now()
	r, err := forecast.Backtest(s.ctx, p, bo)
	if err == nil {
		log.Printf("backtest of %d models on %d series: %s", len(models), p.Len(), time.Since(t0).Round(time.Second))
	}
	return r, err
}

func (s *study) scoreTable(rows []forecast.Score, label func(forecast.Score) string) {
	s.printf("| Model | RMSSE | MASE | sMAPE | WAPE | Bias | SPL | Cover 80%% | Cover 95%% | WRMSSE |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		s.printf("| %s | %.3f | %.3f | %.1f | %.3f | %+.3f | %.3f | %.1f%% | %.1f%% | %.3f |\n", label(r), r.RMSSE, r.MASE, r.SMAPE, r.WAPE,
			r.Bias, r.SPL, 100*r.Coverage80, 100*r.Coverage95, r.WRMSSE)
	}
	s.printf("\n")
}

func byName(r forecast.Score) string { return "`" + r.Model + "`" }

// autoAgainstBest sets auto's RMSSE beside the best single model's.
func autoAgainstBest(singles []forecast.Score, auto forecast.Score) string {
	best := singles[0]
	for _, sc := range singles[1:] {
		if sc.RMSSE < best.RMSSE {
			best = sc
		}
	}
	return fmt.Sprintf("`%s` against the best single model, `%s`: RMSSE %.3f against %.3f (%+.1f%%).", auto.Model, best.Model, auto.RMSSE, best.RMSSE,
		100*(auto.RMSSE/best.RMSSE-1))
}

func (s *study) storeItemDemand(p *series.Panel) error {
	w := s.windows(13)
	s.printf("## Store Item Demand\n\n%d daily series (50 items in 10 stores), the last year as %d windows of 28 days. ", p.Len(), w)
	s.printf("Models are fitted on the 1,095 days before each origin.\n\n")
	models := []forecast.Model{forecast.SeasonalNaive{}, forecast.ETS{}, forecast.Theta{}, forecast.ARIMA{},
		forecast.MultiSeasonal{Inner: forecast.ETS{}}, forecast.Combo{}, forecast.Auto{}}
	r, err := s.backtest(p, 28, w, models)
	if err != nil {
		return err
	}
	s.scoreTable(r.Overall, byName)
	naive, auto := r.Overall[0], r.Overall[len(r.Overall)-1]
	s.printf("`auto` against the seasonal naive forecast: RMSSE %.3f against %.3f, **%.1f%% lower**. %s\n\n", auto.RMSSE, naive.RMSSE, 100*(1-auto.RMSSE/naive.RMSSE),
		autoAgainstBest(r.Overall[:len(r.Overall)-1], auto))

	// Reconciliation across items, stores and the total.
	s.printf("### Reconciliation\n\nThe hierarchy: total, 50 items and 10 stores over the 500 series. Reconciled bottom-level forecasts:\n\n")
	structure := func(keys []series.Key) (*hierarchy.Structure, error) {
		levels, tree := hierarchy.RetailLevels(keys, nil, nil, nil)
		return hierarchy.NewStructure(keys, levels, tree)
	}
	var rows []forecast.Score
	for _, m := range []hierarchy.Method{hierarchy.BottomUp, hierarchy.TopDown, hierarchy.MinTShrink} {
		rr, err := s.backtest(p, 28, s.windows(4), []forecast.Model{forecast.ETS{}, forecast.Auto{}}, func(o *forecast.BacktestOptions) {
			o.Hierarchy, o.Method = structure, m
		})
		if err != nil {
			return err
		}
		for _, sc := range rr.Overall {
			sc.Model = sc.Model + " " + m.String()
			rows = append(rows, sc)
		}
	}
	base, err := s.backtest(p, 28, s.windows(4), []forecast.Model{forecast.ETS{}, forecast.Auto{}})
	if err != nil {
		return err
	}
	for _, sc := range base.Overall {
		sc.Model += " (base)"
		rows = append([]forecast.Score{sc}, rows...)
	}
	s.scoreTable(rows, byName)
	s.printf("(4 windows of 28 days.) Reconciliation helps a weak base forecast (ETS without the yearly season) a lot and costs `auto` a little: the aggregates' own forecasts are no better than the sums of good bottom forecasts here.\n\n")
	return nil
}

func (s *study) dunnhumby(p *series.Panel) error {
	w := s.windows(4)
	s.printf("## dunnhumby\n\n%d weekly series (28 products in 77 stores), the last year as %d windows of 13 weeks. ", p.Len(), w)
	s.printf("With drivers, the price paid relative to the regular price and the promotion, feature and display flags of the forecast weeks are known (as a promotion plan would be).\n\n")
	exog := p.Exog
	plain := []forecast.Model{forecast.SeasonalNaive{}, forecast.ETS{}, forecast.Theta{}, forecast.ARIMA{}, forecast.Auto{}}
	p.Exog = nil
	r, err := s.backtest(p, 13, w, plain)
	if err != nil {
		return err
	}
	p.Exog = exog
	var with []forecast.Model
	for _, m := range plain[1:] {
		with = append(with, forecast.Regression{Inner: m})
	}
	rd, err := s.backtest(p, 13, w, with)
	if err != nil {
		return err
	}
	s.scoreTable(append(r.Overall, rd.Overall...), byName)
	naive := r.Overall[0]
	auto, regAuto := r.Overall[len(r.Overall)-1], rd.Overall[len(rd.Overall)-1]
	s.printf("`auto` against the seasonal naive forecast: RMSSE %.3f against %.3f, **%.1f%% lower**; with drivers, %.3f (%.1f%% lower than without). "+
		"Without drivers, %s With drivers, %s\n\n",
		auto.RMSSE, naive.RMSSE, 100*(1-auto.RMSSE/naive.RMSSE), regAuto.RMSSE, 100*(1-regAuto.RMSSE/auto.RMSSE),
		autoAgainstBest(r.Overall[:len(r.Overall)-1], auto), autoAgainstBest(rd.Overall[:len(rd.Overall)-1], regAuto))
	for i, m := range plain[1:] {
		s.printf("- `%s`: RMSSE %.3f without drivers, %.3f with.\n", m.Name(), r.Overall[i+1].RMSSE, rd.Overall[i].RMSSE)
	}
	s.printf("\n")
	// Coverage by volume: small whole-number sales over-cover.
	s.coverageByVolume(p, rd)
	return nil
}

// coverageByVolume reruns the auto model with drivers on the last window
// and splits the coverage of its intervals by the series' weekly volume.
func (s *study) coverageByVolume(p *series.Panel, _ *forecast.BacktestResult) {
	origin := p.Freq.Add(p.Freq.PeriodStart(maxEnd(p)), -13)
	train := &series.Panel{Freq: p.Freq}
	var hist []float32
	var future []float64
	var idx []int
	k := len(p.Exog.Names)
	for i := 0; i < p.Len(); i++ {
		n := p.Freq.Between(p.Starts[i], origin) + 1
		y := p.Series(i)
		if n < 20 || n+13 > len(y) {
			continue
		}
		train.Append(p.Keys[i], p.Starts[i], y[:n])
		x, _ := p.Drivers(i)
		hist = append(hist, x[:n*k]...)
		future = append(future, series.Row64(x[n*k:(n+13)*k])...)
		idx = append(idx, i)
	}
	train.Exog = &series.Exog{Names: p.Exog.Names, Hist: hist, Horizon: 13, Future: future}
	probs := []float64{0.025, 0.1, 0.9, 0.975}
	r, err := forecast.Run(s.ctx, train, forecast.Options{Horizon: 13, Quantiles: probs, Model: forecast.Regression{Inner: forecast.Auto{}}})
	if err != nil {
		return
	}
	type bucket struct {
		in80, in95, n int
	}
	buckets := map[string]*bucket{}
	order := []string{"under 5 a week", "5 to 20 a week", "over 20 a week"}
	for _, name := range order {
		buckets[name] = &bucket{}
	}
	for j, i := range idx {
		y := p.Series(i)
		n := len(train.Series(j))
		mean, _ := meanSD(y[:n])
		name := order[1]
		if mean < 5 {
			name = order[0]
		} else if mean > 20 {
			name = order[2]
		}
		b := buckets[name]
		for t := 0; t < 13; t++ {
			v := y[n+t]
			if v >= r.Quantile(j, t, 1) && v <= r.Quantile(j, t, 2) {
				b.in80++
			}
			if v >= r.Quantile(j, t, 0) && v <= r.Quantile(j, t, 3) {
				b.in95++
			}
			b.n++
		}
	}
	s.printf("Coverage of `reg_auto`'s intervals in the last window, by the series' average weekly sales. Quantiles of counts are mid-distribution quantiles (each whole number's probability spread over the unit around it), which hold their share of outcomes on average; but below about two units a week no interval of whole numbers can hold 80%% (leaving zero out leaves out a third of outcomes or more), so the slowest movers still over-cover, and calibration pooled over all series leaves the fastest movers short:\n\n")
	s.printf("| Weekly sales | Points | Cover 80%% | Cover 95%% |\n|---|---|---|---|\n")
	for _, name := range order {
		b := buckets[name]
		if b.n == 0 {
			continue
		}
		s.printf("| %s | %d | %.1f%% | %.1f%% |\n", name, b.n, 100*float64(b.in80)/float64(b.n), 100*float64(b.in95)/float64(b.n))
	}
	s.printf("\n")
}

func meanSD(y []float64) (float64, float64) {
	var m float64
	for _, v := range y {
		m += v
	}
	m /= float64(len(y))
	var ss float64
	for _, v := range y {
		ss += (v - m) * (v - m)
	}
	return m, math.Sqrt(ss / float64(max(1, len(y)-1)))
}

func maxEnd(p *series.Panel) series.Date {
	var end series.Date
	for i := 0; i < p.Len(); i++ {
		end = max(end, p.End(i))
	}
	return end
}

// peerRow is one R forecast.
type peerRow struct {
	sku, location, model                  string
	origin, step                          int
	mean, lo80, hi80, lo95, hi95, seconds float64
}

func readPeers(path string) ([]peerRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	recs, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	num := func(rec []string, name string) float64 {
		v, _ := strconv.ParseFloat(rec[col[name]], 64)
		return v
	}
	var out []peerRow
	for _, rec := range recs[1:] {
		out = append(out, peerRow{sku: rec[col["sku"]], location: rec[col["location"]], model: rec[col["model"]],
			origin: int(num(rec, "origin")), step: int(num(rec, "step")), mean: num(rec, "mean"),
			lo80: num(rec, "lo80"), hi80: num(rec, "hi80"), lo95: num(rec, "lo95"), hi95: num(rec, "hi95"), seconds: num(rec, "seconds")})
	}
	return out, nil
}

// peers compares with R's forecasts on the same series and windows.
func (s *study) peers(sid, dh *series.Panel) error {
	s.printf("## Side by side with R's forecast package\n\n")
	dir := filepath.Join(s.out, "peers")
	s.awaitPeers(dir)
	for _, ds := range []struct {
		name, file string
		p          *series.Panel
		h, windows int
		window     int
		subset     func(series.Key) bool
	}{
		{"Store Item Demand (%d series of stores 1-10 and items 1-5; 13 windows of 28 days)", "sid_r.csv", sid, 28, 13, 1095,
			func(k series.Key) bool { return atoi(k.Location) <= 10 && atoi(k.SKU) <= 5 }},
		{"dunnhumby (%d series, those R fitted; 4 windows of 13 weeks)", "dh_r.csv", dh, 13, 4, 156, nil},
	} {
		if _, err := os.Stat(filepath.Join(dir, ds.file)); errors.Is(err, os.ErrNotExist) {
			s.printf("R's results for %s are not present: run `make bench-peers` (it needs Debian's r-cran-forecast) and this study again.\n\n", ds.file)
			continue
		}
		rows, err := readPeers(filepath.Join(dir, ds.file))
		if err != nil {
			return err
		}
		if err := s.comparePeers(ds.name, ds.p, rows, ds.h, ds.windows, ds.window, ds.subset); err != nil {
			return err
		}
	}
	return nil
}

// awaitPeers waits, up to the -wait-peers duration, for both of R's result
// files to be there and settled (unchanged for ten seconds, as R writes
// them in one go at the end of its run).
func (s *study) awaitPeers(dir string) {
	deadline := time.Now().Add(s.waitPeers)
	for time.Now().Before(deadline) {
		ready := true
		for _, f := range []string{"sid_r.csv", "dh_r.csv"} {
			fi, err := os.Stat(filepath.Join(dir, f))
			if err != nil || time.Since(fi.ModTime()) < 10*time.Second {
				ready = false
			}
		}
		if ready {
			return
		}
		time.Sleep(15 * time.Second)
	}
}

func atoi(s string) int { v, _ := strconv.Atoi(s); return v }

type seriesWindows struct {
	y       []float64
	origins []int // indexes into y where each window's forecast starts
}

func (s *study) comparePeers(name string, p *series.Panel, rows []peerRow, h, windows, window int, keep func(series.Key) bool) error {
	// The series R fitted, by key; R's origin counts periods of the series from its first value.
	type key struct{ sku, loc string }
	rKeys := map[key]bool{}
	for _, r := range rows {
		rKeys[key{r.sku, r.location}] = true
	}
	sub := &series.Panel{Freq: p.Freq}
	for i := 0; i < p.Len(); i++ {
		k := p.Keys[i]
		if !rKeys[key{k.SKU, k.Location}] || (keep != nil && !keep(k)) {
			continue
		}
		sub.Append(k, p.Starts[i], p.Series(i))
	}
	if sub.Len() == 0 {
		return fmt.Errorf("no series of %s match R's", name)
	}
	s.printf("### "+name+"\n\n", sub.Len())
	// Ours: each model through the backtest on the subset. R's thetaf is
	// the standard theta method, so it is set beside ours (theta_stm); the
	// planner's theta chooses among four variants.
	ours := []forecast.Model{forecast.ETS{}, forecast.ARIMA{}, forecast.Theta{Variant: forecast.STM}, forecast.Theta{}, forecast.Auto{}}
	r, err := s.backtest(sub, h, windows, ours, func(o *forecast.BacktestOptions) { o.Window = window })
	if err != nil {
		return err
	}
	// R's, scored the same way.
	type acc struct{ mase, rmsse, smape, in80, in95, pts, secs, fits float64 }
	rAcc := map[string]*acc{}
	bySeries := map[key]map[string]map[int][]peerRow{}
	for _, row := range rows {
		k := key{row.sku, row.location}
		if bySeries[k] == nil {
			bySeries[k] = map[string]map[int][]peerRow{}
		}
		if bySeries[k][row.model] == nil {
			bySeries[k][row.model] = map[int][]peerRow{}
		}
		bySeries[k][row.model][row.origin] = append(bySeries[k][row.model][row.origin], row)
	}
	period := p.Freq.SeasonLength()
	var nsMASE, nsRMSSE = map[string]int{}, map[string]int{}
	for i := 0; i < sub.Len(); i++ {
		k := key{sub.Keys[i].SKU, sub.Keys[i].Location}
		y := sub.Series(i)
		for model, byOrigin := range bySeries[k] {
			a := rAcc[model]
			if a == nil {
				a = &acc{}
				rAcc[model] = a
			}
			for origin, fr := range byOrigin {
				sort.Slice(fr, func(x, z int) bool { return fr[x].step < fr[z].step })
				if origin+h > len(y) || len(fr) != h {
					continue
				}
				actual, fc := y[origin:origin+h], make([]float64, h)
				for t, row := range fr {
					fc[t] = math.Max(0, row.mean)
					if actual[t] >= row.lo80 && actual[t] <= row.hi80 {
						a.in80++
					}
					if actual[t] >= row.lo95 && actual[t] <= row.hi95 {
						a.in95++
					}
					a.pts++
				}
				if v := metrics.MASE(actual, fc, y[:origin], period); !math.IsNaN(v) && !math.IsInf(v, 0) {
					a.mase += v
					nsMASE[model]++
				}
				if v := metrics.RMSSE(actual, fc, y[:origin], 1); !math.IsNaN(v) && !math.IsInf(v, 0) {
					a.rmsse += v
					nsRMSSE[model]++
				}
				a.smape += metrics.SMAPE(actual, fc)
				a.secs += fr[0].seconds
				a.fits++
			}
		}
	}
	// Our time per fit, one core, on the same histories.
	ourSecs := s.timeFits(sub, h, windows, window, ours[:4])
	s.printf("| Model | MASE | RMSSE | sMAPE | Cover 80%% | Cover 95%% | Seconds per fit |\n|---|---|---|---|---|---|---|\n")
	rName := map[string]string{"ets": "R `ets`", "arima": "R `auto.arima`", "theta": "R `thetaf`"}
	for _, m := range []string{"ets", "arima", "theta"} {
		a := rAcc[m]
		if a == nil || a.fits == 0 {
			continue
		}
		s.printf("| %s | %.3f | %.3f | %.1f | %.1f%% | %.1f%% | %.3f |\n", rName[m], a.mase/float64(nsMASE[m]), a.rmsse/float64(nsRMSSE[m]),
			a.smape/a.fits, 100*a.in80/a.pts, 100*a.in95/a.pts, a.secs/a.fits)
	}
	for i, sc := range r.Overall {
		secs := "-"
		if i < len(ourSecs) {
			secs = fmt.Sprintf("%.5f", ourSecs[i])
		}
		s.printf("| planner `%s` | %.3f | %.3f | %.1f | %.1f%% | %.1f%% | %s |\n", sc.Model, sc.MASE, sc.RMSSE, sc.SMAPE, 100*sc.Coverage80, 100*sc.Coverage95, secs)
	}
	s.printf("\n")
	for i, m := range []string{"ets", "arima", "theta"} {
		a := rAcc[m]
		if a == nil || a.fits == 0 || i >= len(ourSecs) {
			continue
		}
		s.printf("- %s against planner `%s`: MASE ratio (planner / R) **%.3f**; the planner fits **%.0fx faster** (%.5f s against %.3f s per fit).\n", rName[m],
			r.Overall[i].Model, r.Overall[i].MASE/(a.mase/float64(nsMASE[m])), (a.secs/a.fits)/ourSecs[i], ourSecs[i], a.secs/a.fits)
	}
	best := math.Inf(1)
	bestName := ""
	for m, a := range rAcc {
		if a.fits > 0 && a.rmsse/float64(nsRMSSE[m]) < best {
			best, bestName = a.rmsse/float64(nsRMSSE[m]), rName[m]
		}
	}
	auto := r.Overall[len(r.Overall)-1]
	s.printf("- `auto`: RMSSE %.3f against %.3f for the best of R's (%s): %s.\n\n", auto.RMSSE, best, bestName,
		map[bool]string{true: "**matches or beats it**", false: "behind it"}[auto.RMSSE <= best])
	return nil
}

// timeFits returns the mean seconds per fit and forecast of each model on
// one core, over the same series and windows as the backtest.
func (s *study) timeFits(p *series.Panel, h, windows, window int, models []forecast.Model) []float64 {
	out := make([]float64, len(models))
	for m, model := range models {
		var total time.Duration
		n := 0
		mean, sd := make([]float64, h), make([]float64, h)
		for i := 0; i < p.Len(); i++ {
			y := p.Series(i)
			for w := windows; w >= 1; w-- {
				origin := len(y) - w*h
				if origin < 2*h {
					continue
				}
				train := y[max(0, origin-window):origin]
				info := &forecast.SeriesInfo{Freq: p.Freq, Period: p.Freq.SeasonLength(), Horizon: h, Count: true}
				t0 := time.Now()
				fit, err := model.Fit(train, info)
				if err == nil {
					fit.Predict(mean, sd)
				}
				total += time.Since(t0)
				n++
			}
		}
		out[m] = total.Seconds() / float64(max(1, n))
	}
	return out
}

// fanCharts draws the history, the forecast, its 80% and 95% intervals and
// the actuals of a few series in the last window.
func (s *study) fanCharts(sid, dh *series.Panel) error {
	s.printf("## Fan charts\n\nThe last window of a few series: history, actuals (points), the `auto` forecast (line) with its 80%% and 95%% intervals.\n\n")
	charts := []struct {
		p     *series.Panel
		key   string
		h     int
		model forecast.Model
		file  string
	}{
		{sid, "1@1/store", 28, forecast.Auto{}, "fan-sid-item1-store1.png"},
		{sid, "15@7/store", 28, forecast.Auto{}, "fan-sid-item15-store7.png"},
		{dh, "", 13, forecast.Regression{Inner: forecast.Auto{}}, "fan-dh-1.png"},
		{dh, "", 13, forecast.Regression{Inner: forecast.Auto{}}, "fan-dh-2.png"},
	}
	dhPicked := 0
	for _, c := range charts {
		i := -1
		for j := 0; j < c.p.Len(); j++ {
			if c.key != "" && c.p.Keys[j].String() == c.key {
				i = j
				break
			}
			// dunnhumby: the two series with the most promotions in the last window.
		}
		if c.key == "" {
			i = promoted(c.p, c.h, dhPicked)
			dhPicked++
		}
		if i < 0 {
			continue
		}
		if err := s.fanChart(c.p, i, c.h, c.model, filepath.Join(s.out, c.file)); err != nil {
			return err
		}
		s.printf("![%s](%s)\n\n", c.p.Keys[i], c.file)
	}
	return nil
}

// promoted returns the k-th series (0-based) by promoted weeks in its last
// h periods, among series with sales every week of them.
func promoted(p *series.Panel, h, k int) int {
	type cand struct{ i, promos int }
	var cs []cand
	for i := 0; i < p.Len(); i++ {
		y := p.Series(i)
		x, _ := p.Drivers(i)
		if len(y) < 3*h || x == nil {
			continue
		}
		promos := 0
		all := true
		for t := len(y) - h; t < len(y); t++ {
			if x[t*4+1] > 0 {
				promos++
			}
			all = all && y[t] > 0
		}
		if all {
			cs = append(cs, cand{i, promos})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].promos > cs[b].promos })
	if k >= len(cs) {
		return -1
	}
	return cs[k].i
}

func (s *study) fanChart(p *series.Panel, i, h int, model forecast.Model, path string) error {
	y := p.Series(i)
	n := len(y) - h
	one := &series.Panel{Freq: p.Freq}
	one.Append(p.Keys[i], p.Starts[i], y[:n])
	if x, _ := p.Drivers(i); x != nil {
		k := len(p.Exog.Names)
		one.Exog = &series.Exog{Names: p.Exog.Names, Hist: x[:n*k], Horizon: h, Future: series.Row64(x[n*k : (n+h)*k])}
	}
	probs := []float64{0.025, 0.1, 0.9, 0.975}
	r, err := forecast.Run(s.ctx, one, forecast.Options{Horizon: h, Quantiles: probs, Model: model})
	if err != nil {
		return err
	}
	pl := plot.New()
	pl.Title.Text = fmt.Sprintf("%s: %s", p.Keys[i], r.Model[0])
	if len(pl.Title.Text) > 90 {
		pl.Title.Text = pl.Title.Text[:90] + "..."
	}
	pl.X.Label.Text = "period"
	pl.Y.Label.Text = "units"
	from := max(0, n-4*h)
	band := func(lo, hi int, c color.Color) {
		pts := make(plotter.XYs, 0, 2*h)
		for t := 0; t < h; t++ {
			pts = append(pts, plotter.XY{X: float64(n + t), Y: r.Quantile(0, t, lo)})
		}
		for t := h - 1; t >= 0; t-- {
			pts = append(pts, plotter.XY{X: float64(n + t), Y: r.Quantile(0, t, hi)})
		}
		poly, _ := plotter.NewPolygon(pts)
		poly.Color = c
		poly.LineStyle.Width = 0
		pl.Add(poly)
	}
	band(0, 3, color.RGBA{R: 198, G: 219, B: 239, A: 255})
	band(1, 2, color.RGBA{R: 107, G: 174, B: 214, A: 255})
	hist := make(plotter.XYs, 0, n-from)
	for t := from; t < n; t++ {
		hist = append(hist, plotter.XY{X: float64(t), Y: y[t]})
	}
	hl, _ := plotter.NewLine(hist)
	hl.Color = color.Gray{Y: 80}
	mean := make(plotter.XYs, h)
	act := make(plotter.XYs, h)
	for t := 0; t < h; t++ {
		mean[t] = plotter.XY{X: float64(n + t), Y: r.Series(0)[t]}
		act[t] = plotter.XY{X: float64(n + t), Y: y[n+t]}
	}
	ml, _ := plotter.NewLine(mean)
	ml.Color = color.RGBA{R: 8, G: 48, B: 107, A: 255}
	ml.Width = vg.Points(2)
	sc, _ := plotter.NewScatter(act)
	sc.Color = color.RGBA{R: 203, G: 24, B: 29, A: 255}
	pl.Add(hl, ml, sc)
	pl.Legend.Add("history", hl)
	pl.Legend.Add("forecast", ml)
	pl.Legend.Add("actual", sc)
	pl.Legend.Top = true
	return pl.Save(9*vg.Inch, 4*vg.Inch, path)
}
