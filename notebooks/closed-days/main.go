// Command closed-days measures what treating the days a store was closed
// as unobserved demand, rather than as zero sales, does to the forecast
// error on the days it was open, and writes README.md into its folder:
//
//	go run ./notebooks/closed-days -data ../shared/data
//
// Rossmann (915 drugstores, daily turnover, closed on Sundays and
// holidays): each store's last 28 days are held out, its history before
// them is forecast 28 days ahead by auto and by ETS, once with the closed
// days (Open = 0) marked unavailable and once without the marks, as a
// file without the Open flag would be. Both are scored on the same open days,
// against the same scale, with no drivers and with the store-wide
// promotion flag as a driver known ahead (its real values in the held-out
// days), so that only the treatment of closed days differs.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/metrics"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/series"
)

const horizon = 28

func main() {
	data := flag.String("data", "../shared/data", "the shared data folder")
	out := flag.String("out", "notebooks/closed-days", "folder for the report")
	flag.Parse()
	if err := run(context.Background(), *data, *out); err != nil {
		log.Fatal(err)
	}
}

// score is the mean error of one forecast over the stores.
type score struct {
	rmsse, mase, wape float64
	stores            int
	seconds           float64
}

func run(ctx context.Context, data, out string) error {
	began := time.Now()
	path := filepath.Join(data, "rossmann", "train.csv.gz")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("the Rossmann data is not at %s: %w", path, err)
	}
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return err
	}
	defer store.Close()
	m, err := files.ParseMapping("location=Store,sku=Store,qty=Sales,available=Open,promo=Promo")
	if err != nil {
		return err
	}
	// The refits: days without a row between a store's first and last
	// day, written as the store calendar a retailer would keep.
	openings := filepath.Join(os.TempDir(), "rossmann-openings.csv")
	q := fmt.Sprintf(`COPY (SELECT s.Store AS location, d.date, false AS open
		FROM (SELECT Store, min(Date) AS lo, max(Date) AS hi FROM read_csv(%[1]s) GROUP BY Store) s,
		     LATERAL (SELECT unnest(generate_series(s.lo, s.hi, INTERVAL 1 DAY))::DATE AS date) d
		WHERE NOT EXISTS (SELECT 1 FROM read_csv(%[1]s) r WHERE r.Store = s.Store AND r.Date = d.date)
		ORDER BY 1, 2) TO %[2]s (HEADER)`, "'"+path+"'", "'"+openings+"'")
	if _, err := store.DB().ExecContext(ctx, q); err != nil {
		return err
	}
	defer os.Remove(openings)
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": path, "openings": openings}, Map: m}); err != nil {
		return err
	}
	full, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true})
	if err != nil {
		return err
	}
	train, index := holdOut(full, horizon)

	var b strings.Builder
	fmt.Fprintf(&b, "# Closed days: unobserved demand, not zero sales\n\n")
	fmt.Fprintf(&b, "Rossmann, %d stores (daily turnover; `../shared/data/rossmann`), each store's last %d days held out "+
		"and forecast from the history before them, without drivers and with the store-wide promotion flag known ahead "+
		"(its real values in the held-out days). Scored on the days the stores were open (%s of the held-out "+
		"store-days), as in M5: RMSSE (scale: one-day naive), MASE (scale: seasonal naive over 7 days), both on the open days of the "+
		"history, and WAPE. Loaded with `--map location=Store,sku=Store,qty=Sales,available=Open,promo=Promo`; the unmarked rows are the same "+
		"sales with the marks dropped, which is what loading the file without mapping `Open` gives.\n\n",
		train.Len(), horizon, openShare(full, index))
	b.WriteString("| model | drivers | closed days | RMSSE | MASE | WAPE | seconds |\n|---|---|---|---|---|---|---|\n")
	for _, drivers := range []bool{false, true} {
		for _, spec := range []string{"auto", "ets"} {
			for _, censored := range []bool{true, false} {
				p := *train
				if !censored {
					p.Unobserved = nil // the same sales, read as a file without the Open flag reads
				}
				if !drivers {
					p.Exog = nil
				}
				model, err := forecast.ParseModels(spec)
				if err != nil {
					return err
				}
				if drivers {
					if model, _, err = forecast.WithDrivers(model, &p, "on"); err != nil {
						return err
					}
				}
				t0 := time.Now()
				res, err := forecast.Run(ctx, &p, forecast.Options{Horizon: horizon, Model: model})
				if err != nil {
					return err
				}
				sc := evaluate(full, index, res)
				sc.seconds = time.Since(t0).Seconds()
				name := map[bool]string{true: "marked (Open)", false: "not marked"}[censored]
				dr := map[bool]string{true: "promo known ahead", false: "none"}[drivers]
				fmt.Fprintf(&b, "| %s | %s | %s | %.3f | %.3f | %.3f | %.0f |\n", spec, dr, name, sc.rmsse, sc.mase, sc.wape, sc.seconds)
				log.Printf("%s, %s, %s: %+v", spec, dr, name, sc)
			}
		}
	}
	b.WriteString("\nMarked or not, the forecasts are the same. Marked, the closed days are unobserved; not marked, the zeros of these " +
		"busy stores (the median of a store's days with sales is far above 10) are read as closures all the same (`series.ClosedZeros`). " +
		"Either way the history a model sees is filled by seasonal interpolation (`series.FillUnobserved`, after `forecast::na.interp`), " +
		"the weekdays a store closes on by habit keep their zeros (they are its weekly pattern, and are forecast as zero), and a store " +
		"refitted for months is not mistaken for intermittent demand. What the marks add is the closed days ahead (holidays), which the " +
		"store calendar knows and the sales cannot tell: notebooks/forecast-accuracy scores that on every day of the window.\n\n")
	b.WriteString("The 180 stores refitted in 2014 have six months without any rows. Days without a row are zero sales by the schema's " +
		"rule; the study writes those days as a store calendar (`--openings`, open false), as a retailer would keep it, so the " +
		"marked variant has them unobserved too.\n\n")
	fmt.Fprintf(&b, "Reproduce: `go run ./notebooks/closed-days -data ../shared/data` (%.0f s on the 2-core machine).\n", time.Since(began).Seconds())
	return fsutil.WriteFile(filepath.Join(out, "README.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// holdOut copies every series but its last h days, with their marks and
// drivers; the drivers of the held-out days become the copy's future, as
// a promotion plan known ahead would be. index maps the copy's series to
// the panel's.
func holdOut(p *series.Panel, h int) (*series.Panel, []int) {
	out := &series.Panel{Freq: p.Freq}
	k := len(p.Exog.Names)
	x := &series.Exog{Names: p.Exog.Names, Horizon: h}
	var index []int
	for i := 0; i < p.Len(); i++ {
		y := p.Series(i)
		n := len(y)
		if n <= h+2*7 {
			continue
		}
		out.Append(p.Keys[i], p.Starts[i], y[:n-h])
		if p.Unobserved != nil {
			out.Unobserved = append(out.Unobserved, p.UnobservedOf(i)[:n-h]...)
		}
		hist, _ := p.Drivers(i)
		x.Hist = append(x.Hist, hist[:(n-h)*k]...)
		for _, v := range hist[(n-h)*k : n*k] {
			x.Future = append(x.Future, float64(v))
		}
		index = append(index, i)
	}
	out.Exog = x
	return out, index
}

// evaluate scores the forecasts on the open days of the held-out window,
// each store against the open days of its own history.
func evaluate(full *series.Panel, index []int, res *forecast.Result) score {
	var sc score
	var absErr, total float64
	for j, i := range index {
		y, mask := full.Series(i), full.UnobservedOf(i)
		n := len(y)
		var actual, fc, insample []float64
		for t := 0; t < horizon; t++ {
			if mask == nil || !mask[n-horizon+t] {
				actual = append(actual, y[n-horizon+t])
				fc = append(fc, res.Series(j)[t])
			}
		}
		for t, v := range y[:n-horizon] {
			if mask == nil || !mask[t] {
				insample = append(insample, v)
			}
		}
		r, m := metrics.RMSSE(actual, fc, insample, 1), metrics.MASE(actual, fc, insample, 7)
		if len(actual) == 0 || math.IsNaN(r) || math.IsInf(r, 0) || math.IsNaN(m) || math.IsInf(m, 0) {
			continue
		}
		sc.rmsse += r
		sc.mase += m
		sc.stores++
		for k := range actual {
			absErr += math.Abs(fc[k] - actual[k])
			total += actual[k]
		}
	}
	if sc.stores > 0 {
		sc.rmsse /= float64(sc.stores)
		sc.mase /= float64(sc.stores)
	}
	if total > 0 {
		sc.wape = absErr / total
	}
	return sc
}

// openShare is the share of held-out store-days that were open.
func openShare(full *series.Panel, index []int) string {
	var open, all int
	for _, i := range index {
		mask := full.UnobservedOf(i)
		n := len(full.Series(i))
		for t := n - horizon; t < n; t++ {
			all++
			if mask == nil || !mask[t] {
				open++
			}
		}
	}
	return fmt.Sprintf("%.1f%%", 100*float64(open)/float64(max(1, all)))
}
