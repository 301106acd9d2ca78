package synth

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/planner-engine/planner/series"
)

// TruthProduct is a product's row of truth/products.csv that studies
// score against: its subcategory, the share of its demand that moves to
// the rest of it when the product is out, and its base demand (the
// weight it draws a missing product's demand with).
type TruthProduct struct {
	Subcategory string
	Transfer    float64
	BaseDaily   float64
	Dispersion  float64
}

// ReadTruthProducts reads truth/products.csv of a generated folder, by
// SKU.
func ReadTruthProducts(path string) (map[string]TruthProduct, error) {
	out := map[string]TruthProduct{}
	err := eachRow(path, func(row func(string) string) error {
		var p TruthProduct
		var err error
		p.Subcategory = row("subcategory")
		if p.Transfer, err = strconv.ParseFloat(row("transfer_share"), 64); err != nil {
			return err
		}
		if p.BaseDaily, err = strconv.ParseFloat(row("base_daily"), 64); err != nil {
			return err
		}
		if p.Dispersion, err = strconv.ParseFloat(row("dispersion"), 64); err != nil {
			return err
		}
		out[row("sku")] = p
		return nil
	})
	return out, err
}

// ReadTruthDemand reads truth/demand.csv of a generated folder: each
// series' true mean demand on the days days from first on.
func ReadTruthDemand(path string, first series.Date, days int) (map[series.Key][]float64, error) {
	return readDays(path, "mean", first, days)
}

// ReadFutureSales reads truth/future_sales.csv of a generated folder:
// each series' sales on the days days from first on (the horizon's, which
// the sales file does not hold).
func ReadFutureSales(path string, first series.Date, days int) (map[series.Key][]float64, error) {
	return readDays(path, "qty", first, days)
}

// readDays reads a column of a file of series rows by day.
func readDays(path, column string, first series.Date, days int) (map[series.Key][]float64, error) {
	out := map[series.Key][]float64{}
	err := eachRow(path, func(row func(string) string) error {
		d, err := series.ParseDate(row("date"))
		if err != nil {
			return err
		}
		t := int(d - first)
		if t < 0 || t >= days {
			return nil
		}
		k := series.Key{SKU: row("sku"), Location: row("location"), Channel: row("channel")}
		m, err := strconv.ParseFloat(row(column), 64)
		if err != nil {
			return err
		}
		if out[k] == nil {
			out[k] = make([]float64, days)
		}
		out[k][t] = m
		return nil
	})
	return out, err
}

// TruthEvent is a row of truth/events.csv: a peak's mean effect on a
// category.
type TruthEvent struct {
	Event, Type, Category   string
	Uplift, PreDip, PostDip float64
	PreDays, PostDays       int
	ReturnRate, YearSD      float64
}

// ReadTruthEvents reads truth/events.csv of a folder generated with
// Config.Peaks.
func ReadTruthEvents(path string) ([]TruthEvent, error) {
	var out []TruthEvent
	err := eachRow(path, func(row func(string) string) error {
		e := TruthEvent{Event: row("event"), Type: row("event_type"), Category: row("category")}
		var err error
		for _, f := range []struct {
			name string
			to   *float64
		}{{"uplift", &e.Uplift}, {"pre_dip", &e.PreDip}, {"post_dip", &e.PostDip}, {"return_rate", &e.ReturnRate}, {"year_sd", &e.YearSD}} {
			if *f.to, err = strconv.ParseFloat(row(f.name), 64); err != nil {
				return err
			}
		}
		if e.PreDays, err = strconv.Atoi(row("pre_days")); err != nil {
			return err
		}
		if e.PostDays, err = strconv.Atoi(row("post_days")); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// eachRow calls fn with each row of a CSV file the generator wrote, its
// cells by column name.
func eachRow(path string, fn func(row func(string) string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := fn(func(name string) string {
			if i, ok := col[name]; ok {
				return rec[i]
			}
			return ""
		}); err != nil {
			return fmt.Errorf("%s, line %d: %w", path, line, err)
		}
	}
}
