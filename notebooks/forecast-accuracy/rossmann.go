package main

import (
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/metrics"
	"github.com/planner-engine/planner/series"
)

// The Rossmann part: daily store demand with closed days and a store-wide
// promotion. Units are Sales / 10, rounded (as the daily-store test of the
// chain scores them); the last 28 days and the three 28-day windows before
// them are forecast, each from all the history before it.
const (
	rossHorizon = 28
	rossWindows = 4
	// rossPeerEvery picks the stores R fits: those whose number divides by
	// it (102 of the 915), as peers.R does.
	rossPeerEvery = 9
)

// rossSetting is what the forecast is told besides the sales.
type rossSetting struct {
	name string
	// open: the days the store was closed are marked (Open = 0 and the
	// refits' days without rows), so its history has unobserved days and
	// the closed days ahead are known.
	open bool
	// plan: the promotion flags of the forecast days are known (a
	// promotion plan); otherwise the promo driver has no future.
	plan bool
	// off: no drivers at all (--drivers off), to show what carrying the
	// promotion flag on by its schedule is worth.
	off bool
}

var rossSettings = []rossSetting{
	{name: "sales file (promo in the history, no plan ahead)"},
	{name: "sales file with --drivers off", off: true},
	{name: "sales file and promotion plan", plan: true},
	{name: "sales, closed days marked and promotion plan", open: true, plan: true},
}

// loadRossmann reads the chain's sales as units, with the Open flag as
// availability, the refits' missing days as closed days and the promotion
// flag as a driver.
func (s *study) loadRossmann() (*series.Panel, error) {
	src := filepath.Join(s.data, "rossmann", "train.csv.gz")
	store, err := datasets.Open(s.ctx, "", nil)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	dir, err := os.MkdirTemp("", "rossmann")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	sales, openings := filepath.Join(dir, "sales.csv"), filepath.Join(dir, "openings.csv")
	q := fmt.Sprintf(`COPY (SELECT Store, Date, round(Sales / 10)::INTEGER AS units, Open, Promo FROM read_csv('%s') ORDER BY Store, Date) TO '%s' (HEADER)`, src, sales)
	if _, err := store.DB().ExecContext(s.ctx, q); err != nil {
		return nil, err
	}
	// The refits: days without a row between a store's first and last day.
	q = fmt.Sprintf(`COPY (SELECT s.Store AS location, d.date, false AS open
		FROM (SELECT Store, min(Date) AS lo, max(Date) AS hi FROM read_csv('%[1]s') GROUP BY Store) s,
		     LATERAL (SELECT unnest(generate_series(s.lo, s.hi, INTERVAL 1 DAY))::DATE AS date) d
		WHERE NOT EXISTS (SELECT 1 FROM read_csv('%[1]s') r WHERE r.Store = s.Store AND r.Date = d.date)
		ORDER BY 1, 2) TO '%[2]s' (HEADER)`, src, openings)
	if _, err := store.DB().ExecContext(s.ctx, q); err != nil {
		return nil, err
	}
	m, err := files.ParseMapping("location=Store,sku=Store,qty=units,available=Open,promo=Promo")
	if err != nil {
		return nil, err
	}
	if _, err := store.Load(s.ctx, datasets.LoadOptions{Files: map[string]string{"sales": sales, "openings": openings}, Map: m}); err != nil {
		return nil, err
	}
	return store.ReadPanel(s.ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true})
}

// rossWindow cuts every series at origin (its last day of history) for the
// setting: the history's closed days unobserved and the window's closed
// days known only with open, the window's promotion flags as the plan only
// with plan.
func rossWindow(full *series.Panel, origin series.Date, h int, set rossSetting) (*series.Panel, []int) {
	out := &series.Panel{Freq: full.Freq}
	k := len(full.Exog.Names)
	x := &series.Exog{Names: full.Exog.Names, Horizon: h}
	if !set.plan {
		x.Unplanned = make([]bool, k)
		for j := range x.Unplanned {
			x.Unplanned[j] = true
		}
	}
	if set.open {
		out.Closed = [][]series.Date{}
	}
	var index []int
	for i := 0; i < full.Len(); i++ {
		y := full.Series(i)
		n := full.Freq.Between(full.Starts[i], origin) + 1
		if n < 2*h || n+h > len(y) {
			continue
		}
		out.Append(full.Keys[i], full.Starts[i], y[:n])
		mask := full.UnobservedOf(i)
		if set.open {
			out.Unobserved = append(out.Unobserved, mask[:n]...)
			var closed []series.Date
			for t := n; t < n+h; t++ {
				if mask[t] {
					closed = append(closed, full.Freq.Add(full.Starts[i], t))
				}
			}
			out.Closed = append(out.Closed, closed)
		}
		hist, _ := full.Drivers(i)
		x.Hist = append(x.Hist, hist[:n*k]...)
		for _, v := range hist[n*k : (n+h)*k] {
			if set.plan {
				x.Future = append(x.Future, float64(v))
			} else {
				x.Future = append(x.Future, 0)
			}
		}
		index = append(index, i)
	}
	out.Exog = x
	return out, index
}

// rossScore accumulates one forecast's errors over stores and windows.
type rossScore struct {
	rmsse, mase             float64
	n                       int
	in80, in95, points      int
	openRMSSE               float64
	openN                   int
	openIn80, openIn95      int // coverage on the days the store was open
	openPoints              int
	absErr, actual, seconds float64
	chosen                  map[string]int
}

func (a *rossScore) add(actual, fc, insample []float64, lo80, hi80, lo95, hi95 []float64, closed []bool) {
	if r, m := metrics.RMSSE(actual, fc, insample, 1), metrics.MASE(actual, fc, insample, 7); !math.IsNaN(r) && !math.IsInf(r, 0) {
		a.rmsse += r
		a.mase += m
		a.n++
	}
	for t, v := range actual {
		a.absErr += math.Abs(fc[t] - v)
		a.actual += v
		if lo80 != nil {
			if v >= lo80[t] && v <= hi80[t] {
				a.in80++
			}
			if v >= lo95[t] && v <= hi95[t] {
				a.in95++
			}
			a.points++
		}
	}
	if closed != nil {
		var act, f, ins []float64
		for t, c := range closed {
			if c {
				continue
			}
			act, f = append(act, actual[t]), append(f, fc[t])
			if lo80 != nil {
				if v := actual[t]; v >= lo80[t] && v <= hi80[t] {
					a.openIn80++
				}
				if v := actual[t]; v >= lo95[t] && v <= hi95[t] {
					a.openIn95++
				}
				a.openPoints++
			}
		}
		for _, v := range insample {
			if v != 0 {
				ins = append(ins, v)
			}
		}
		if r := metrics.RMSSE(act, f, ins, 1); len(act) > 0 && !math.IsNaN(r) && !math.IsInf(r, 0) {
			a.openRMSSE += r
			a.openN++
		}
	}
}

func (a *rossScore) RMSSE() float64 { return a.rmsse / float64(max(1, a.n)) }

// rossmann forecasts the chain's stores under each setting with auto and
// each single model, and sets R's forecasts of the same stores and windows
// beside them when peers.R has written them.
func (s *study) rossmann() error {
	path := filepath.Join(s.data, "rossmann", "train.csv.gz")
	if _, err := os.Stat(path); err != nil {
		s.printf("## Rossmann\n\nThe Rossmann data is not at %s.\n\n", path)
		return nil
	}
	full, err := s.loadRossmann()
	if err != nil {
		return err
	}
	h, windows := rossHorizon, s.windows(rossWindows)
	end := maxEnd(full)
	var origins []series.Date
	for w := windows; w >= 1; w-- {
		origins = append(origins, full.Freq.Add(end, -w*h))
	}
	s.printf("## Rossmann\n\n%d daily store series (units: sales / 10), %d windows of %d days ending %s, each forecast from all the history before it. ",
		full.Len(), windows, h, end)
	s.printf("Scored as in M5 on every day of the window, closed days (zero sales) included; the scale is each store's in-sample one-day naive error from its first sale. ")
	s.printf("`open RMSSE` scores the days the store was open only, against the naive error of its open days; `open: Cover` is the coverage on those days.\n\n")
	s.printf("The settings: *sales file* is the units and the promotion flag as a sales file carries them, nothing else. The zeros of these busy stores " +
		"(Sundays, holidays, the months of a refit) are read as closures, not demand (`series.ClosedZeros`), so the models fit around them and a weekday " +
		"closed for the last eight weeks is forecast as zero; the promotion flag, which no plan gives for the days ahead, keeps to a fortnightly schedule " +
		"and is carried on by it (models.csv: `drivers_scheduled`), each day's forecast a mixture of the promotion as carried on and as missed, weighted by how often the schedule missed; *--drivers off* is the same file forecast without it. *promotion plan* gives the promotion's real days in each window, as the chain's plan would. " +
		"*closed days marked* maps the `Open` flag and marks the refits' missing days closed (a store calendar), so the closed days of each window, holidays " +
		"included, are known ahead and forecast as zero.\n\n")
	names := strings.Split(s.rossModels, ",")
	type cell struct {
		setting int
		model   string
	}
	scores := map[cell]*rossScore{}
	peerScores := map[cell]*rossScore{} // the stores R fits
	fits := 0                           // series-windows forecast per model
	for si, set := range rossSettings {
		for _, name := range names {
			sc := &rossScore{chosen: map[string]int{}}
			peer := &rossScore{chosen: map[string]int{}}
			scores[cell{si, name}], peerScores[cell{si, name}] = sc, peer
			fits = 0
			for _, origin := range origins {
				train, index := rossWindow(full, origin, h, set)
				if set.off {
					train.Exog = nil
				}
				model, err := forecast.ParseModels(name)
				if err != nil {
					return err
				}
				var use forecast.DriverUse
				if model, use, err = forecast.WithDrivers(model, train, "auto"); err != nil {
					return err
				}
				if name == names[0] {
					log.Printf("%s, origin %s: drivers %+v", set.name, origin, use)
				}
				t0 := time.Now()
				res, err := forecast.Run(s.ctx, train, forecast.Options{Horizon: h, Model: model,
					Quantiles: []float64{0.025, 0.1, 0.5, 0.9, 0.975}})
				if err != nil {
					return err
				}
				sc.seconds += time.Since(t0).Seconds()
				for j, i := range index {
					y := full.Series(i)
					n := len(train.Series(j))
					mask := full.UnobservedOf(i)
					q := func(k int) []float64 {
						out := make([]float64, h)
						for t := range out {
							out[t] = res.Quantile(j, t, k)
						}
						return out
					}
					sc.add(y[n:n+h], res.Series(j), y[:n], q(1), q(3), q(0), q(4), mask[n:n+h])
					sc.chosen[family(res.Model[j])]++
					if atoi(full.Keys[i].Location)%rossPeerEvery == 0 {
						peer.add(y[n:n+h], res.Series(j), y[:n], q(1), q(3), q(0), q(4), mask[n:n+h])
					}
					fits++
				}
			}
			log.Printf("rossmann %s, %s: RMSSE %.3f open %.3f (%.0f s)", set.name, name, sc.RMSSE(), sc.openRMSSE/float64(max(1, sc.openN)), sc.seconds)
		}
	}
	for si, set := range rossSettings {
		s.printf("### %s\n\n| Model | RMSSE | MASE | open RMSSE | WAPE | Cover 80%% | Cover 95%% | open: Cover 80%% | Cover 95%% | Seconds |\n|---|---|---|---|---|---|---|---|---|---|\n", set.name)
		for _, name := range names {
			sc := scores[cell{si, name}]
			s.printf("| `%s` | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s | %.0f |\n", name, sc.RMSSE(), sc.mase/float64(max(1, sc.n)),
				sc.openRMSSE/float64(max(1, sc.openN)), sc.absErr/sc.actual, share(sc.in80, sc.points), share(sc.in95, sc.points),
				share(sc.openIn80, sc.openPoints), share(sc.openIn95, sc.openPoints), sc.seconds)
		}
		if sc := scores[cell{si, "auto"}]; sc != nil {
			best, bestName := math.Inf(1), ""
			for _, name := range names {
				if r := scores[cell{si, name}].RMSSE(); name != "auto" && r < best {
					best, bestName = r, name
				}
			}
			s.printf("\n`auto` chose: %s. Against the best single model, `%s`: RMSSE %.3f against %.3f (%+.1f%%).\n\n",
				chosenList(sc.chosen), bestName, sc.RMSSE(), best, 100*(sc.RMSSE()/best-1))
		}
	}
	return s.rossPeers(full, origins, names, func(setting int, model string) *rossScore { return peerScores[cell{setting, model}] },
		scores[cell{0, names[0]}].seconds*float64(runtime.GOMAXPROCS(0))/float64(max(1, fits)))
}

// rossPeers sets R's forecasts of the stores it fitted beside the
// planner's, scored alike. ourSecs is the planner's CPU seconds per series
// and window for the first model without a plan.
func (s *study) rossPeers(full *series.Panel, origins []series.Date, names []string, ours func(int, string) *rossScore, ourSecs float64) error {
	dir := filepath.Join(s.out, "peers")
	type rModel struct{ file, model, label string }
	rModels := []rModel{{"ross_r.csv", "arima", "R `auto.arima`"}, {"ross_r.csv", "ets", "R `ets`"}, {"ross_r.csv", "theta", "R `thetaf`"},
		{"rossx_r.csv", "arima_xreg", "R `auto.arima` with the promotion flag known ahead"}}
	rows := map[string][]peerRow{}
	for _, f := range []string{"ross_r.csv", "rossx_r.csv"} {
		r, err := readPeers(filepath.Join(dir, f))
		if errors.Is(err, os.ErrNotExist) {
			s.printf("R's results %s are not present: run `make bench-peers` (it needs Debian's r-cran-forecast) and this study again.\n\n", f)
			return nil
		}
		if err != nil {
			return err
		}
		rows[f] = r
	}
	index := map[string]int{}
	for i, k := range full.Keys {
		index[k.Location] = i
	}
	h := rossHorizon
	type tally struct {
		sc   rossScore
		secs float64
	}
	rScores := map[string]*tally{}
	stores := map[string]bool{}
	for _, m := range rModels {
		byKey := map[string]map[int][]peerRow{}
		for _, r := range rows[m.file] {
			if r.model != m.model {
				continue
			}
			if byKey[r.location] == nil {
				byKey[r.location] = map[int][]peerRow{}
			}
			byKey[r.location][r.origin] = append(byKey[r.location][r.origin], r)
		}
		t := &tally{}
		rScores[m.label] = t
		for loc, byOrigin := range byKey {
			i, ok := index[loc]
			if !ok {
				return fmt.Errorf("R forecast store %s, which the planner has no series of", loc)
			}
			y := full.Series(i)
			for _, origin := range origins {
				n := full.Freq.Between(full.Starts[i], origin) + 1
				fr := byOrigin[n]
				if len(fr) != h {
					continue // R failed on this window: it is left out of its score
				}
				sort.Slice(fr, func(a, b int) bool { return fr[a].step < fr[b].step })
				fc, lo80, hi80, lo95, hi95 := make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h)
				for k, r := range fr {
					fc[k], lo80[k], hi80[k], lo95[k], hi95[k] = math.Max(0, r.mean), r.lo80, r.hi80, r.lo95, r.hi95
				}
				t.sc.add(y[n:n+h], fc, y[:n], lo80, hi80, lo95, hi95, full.UnobservedOf(i)[n:n+h])
				t.secs += fr[0].seconds
				stores[loc] = true
			}
		}
	}
	s.printf("### Side by side with R's forecast package\n\nThe %d stores whose number divides by %d, the same windows, scored alike. "+
		"R is given the daily units, with the closed days as the zeros they are, as a ts of frequency 7 (`make bench-peers`).\n\n", len(stores), rossPeerEvery)
	s.printf("| Forecast | RMSSE | MASE | open RMSSE | Cover 80%% | Cover 95%% | Seconds per series |\n|---|---|---|---|---|---|---|\n")
	line := func(label string, sc *rossScore, secs string) {
		s.printf("| %s | %.3f | %.3f | %.3f | %.1f%% | %.1f%% | %s |\n", label, sc.RMSSE(), sc.mase/float64(max(1, sc.n)), sc.openRMSSE/float64(max(1, sc.openN)),
			100*float64(sc.in80)/float64(max(1, sc.points)), 100*float64(sc.in95)/float64(max(1, sc.points)), secs)
	}
	for _, m := range rModels {
		t := rScores[m.label]
		line(m.label, &t.sc, fmt.Sprintf("%.2f", t.secs/float64(max(1, t.sc.n))))
	}
	for si, set := range rossSettings {
		for _, name := range names {
			secs := ""
			if si == 0 && name == names[0] {
				secs = fmt.Sprintf("%.4f", ourSecs)
			}
			line(fmt.Sprintf("planner `%s`, %s", name, set.name), ours(si, name), secs)
		}
	}
	arima := rScores[rModels[0].label]
	rArima := arima.sc.RMSSE()
	def := ours(0, names[0])
	s.printf("\nThe default forecast of the sales file (`%s`, no plan) against R's `auto.arima`: RMSSE %.3f against %.3f, **%.1f%% lower**, "+
		"at %.4f CPU seconds per series against %.2f (**%.0fx faster**).",
		names[0], def.RMSSE(), rArima, 100*(1-def.RMSSE()/rArima), ourSecs, arima.secs/float64(max(1, arima.sc.n)), arima.secs/float64(max(1, arima.sc.n))/ourSecs)
	if plan := ours(2, names[0]); plan != nil {
		x := rScores[rModels[3].label]
		s.printf(" With the promotion plan: %.3f, %.1f%% lower than R's `auto.arima` without it and %.1f%% lower than with it (%.3f).",
			plan.RMSSE(), 100*(1-plan.RMSSE()/rArima), 100*(1-plan.RMSSE()/x.sc.RMSSE()), x.sc.RMSSE())
	}
	s.printf("\n\n")
	return nil
}

// share formats part of all as a percentage.
func share(part, all int) string {
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(max(1, all)))
}

// family is a fitted model's name without its parameters: ETS(A,N,A) is
// ETS.
func family(model string) string {
	if i := strings.IndexAny(model, "( "); i > 0 {
		return model[:i]
	}
	return model
}

func chosenList(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range m {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v || (kvs[i].v == kvs[j].v && kvs[i].k < kvs[j].k) })
	var parts []string
	for _, e := range kvs {
		parts = append(parts, fmt.Sprintf("%s %d", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}
