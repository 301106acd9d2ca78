package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/series"
)

// Data is what the report shows.
type Data struct {
	// Title heads the page, such as "Plan for 2025-01-01".
	Title      string
	Figures    []Figure
	Exceptions []string
	// Changes are what moved since the night before (new, resolved and
	// worsened exceptions, the largest forecast moves); ChangesNote says
	// why there are none, on a first night.
	Changes     []Table
	ChangesNote string
	// Tables follow the exceptions, such as the day's largest price moves.
	Tables []Table
	Charts []SKUChart
}

// Table is a titled table of text cells; cells of Numeric columns are
// right-aligned.
type Table struct {
	Title, Note string
	Header      []string
	Numeric     []bool // per column
	Rows        [][]string
}

// Figure is one key figure.
type Figure struct {
	Name  string
	Value float64
}

// SKUChart is one SKU's demand, all locations and channels added: the
// recent history, the forecast with its 80% band, and optionally the
// network's stock projected over the forecast days.
type SKUChart struct {
	SKU string
	// Why the SKU is shown: "top seller" or an exception.
	Why          string
	HistoryStart series.Date
	History      []float64
	Start        series.Date
	Mean, Lo, Hi []float64
	// StockOf names the location whose stock Stock projects (a DC that
	// ran short); "" for the whole network.
	StockOf string
	// Stock, when set, is the projected stock at the end of each forecast
	// day (one value per Mean).
	Stock []float64
	Freq  series.Freq
}

// Write renders the report to path (an .html file), atomically.
func Write(path string, d *Data) error {
	type chart struct {
		SKU, Why, Anchor, StockOf string
		PNG, Stock                template.URL
	}
	uri := func(png []byte) template.URL {
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	var charts []chart
	for i := range d.Charts {
		c := &d.Charts[i]
		png, err := fanChart(c)
		if err != nil {
			return fmt.Errorf("report: chart of %s: %w", c.SKU, err)
		}
		ch := chart{SKU: c.SKU, Why: c.Why, StockOf: c.StockOf, PNG: uri(png)}
		if len(c.Stock) > 0 {
			if png, err = stockChart(c); err != nil {
				return fmt.Errorf("report: stock chart of %s: %w", c.SKU, err)
			}
			ch.Stock = uri(png)
		}
		charts = append(charts, ch)
	}
	view := struct {
		*Data
		Rendered []chart
	}{d, charts}
	for i := range view.Rendered {
		view.Rendered[i].Anchor = anchor(view.Rendered[i].SKU)
	}
	return fsutil.WriteFile(path, func(w io.Writer) error { return page.Execute(w, view) })
}

// Number formats a figure the one way the report writes numbers:
// thousands separated, two decimals unless it is whole.
func Number(v float64) string {
	if math.Abs(v) < 1e15 && v == math.Trunc(v) {
		return words.Commas(int64(v))
	}
	return Money(v)
}

// Money formats an amount (a price, a value) with thousands separated and
// always two decimals.
func Money(v float64) string {
	if math.Abs(v) >= 1e15 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%g", v)
	}
	whole, frac := math.Modf(math.Abs(math.Round(v*100) / 100))
	s := words.Commas(int64(whole)) + fmt.Sprintf("%.2f", frac)[1:]
	if v < 0 {
		s = "-" + s
	}
	return s
}

// anchor is the id of a SKU's chart on the page: "sku-" and the SKU with
// every character but letters, digits, - and _ as _, so that a link
// (report.html#sku-A1) finds it.
func anchor(sku string) string {
	b := []byte("sku-")
	for _, c := range []byte(sku) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b = append(b, c)
		} else {
			b = append(b, '_')
		}
	}
	return string(b)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"num": Number,
	"sub": func(a, b int) int { return a - b },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
nav{background:#f6f8fa;padding:.5rem .75rem;border-radius:4px;line-height:1.8}
.exc li{color:#9c0006}.chart{margin:1rem 0}.chart img{max-width:100%}.why{color:#555;font-size:.9rem}
</style></head><body>
<h1>{{.Title}}</h1>
<nav><b>Contents</b>: <a href="#figures">Key figures</a> · <a href="#changes">Changed since last night</a> · <a href="#exceptions">Exceptions</a>{{range $i, $t := .Tables}} · <a href="#table-{{$i}}">{{$t.Title}}</a>{{end}} · <a href="#charts">Forecasts and projected stock</a>
{{if .Rendered}}<br><b>SKUs</b>: {{range $i, $c := .Rendered}}{{if $i}} · {{end}}<a href="#{{$c.Anchor}}">{{$c.SKU}}</a>{{end}}{{end}}</nav>
<h2 id="figures">Key figures</h2>
<table>{{range .Figures}}<tr><td>{{.Name}}</td><td class="n">{{num .Value}}</td></tr>{{end}}</table>
<h2 id="changes">Changed since last night</h2>
{{if .ChangesNote}}<p class="why">{{.ChangesNote}}</p>{{end}}
{{range .Changes}}{{$t := .}}<h3>{{.Title}}</h3>{{if .Note}}<p class="why">{{.Note}}</p>{{end}}
<table><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>{{range .Rows}}<tr>{{range $i, $c := .}}<td{{if index $t.Numeric $i}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>{{end}}</table>
{{end}}<h2 id="exceptions">Exceptions to review ({{len .Exceptions}})</h2>
{{if .Exceptions}}<ul class="exc">{{range $i, $e := .Exceptions}}{{if lt $i 50}}<li>{{$e}}</li>{{end}}{{end}}</ul>{{if gt (len .Exceptions) 50}}<p class="why">... and {{sub (len .Exceptions) 50}} more, the largest value at risk first: exceptions.csv in the run's folder, and the workbook's Exceptions sheet.</p>{{end}}{{else}}<p>None.</p>{{end}}
{{range $i, $t := .Tables}}<h2 id="table-{{$i}}">{{.Title}}</h2>{{if .Note}}<p class="why">{{.Note}}</p>{{end}}
<table><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>{{range .Rows}}<tr>{{range $i, $c := .}}<td{{if index $t.Numeric $i}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>{{end}}</table>
{{end}}<h2 id="charts">Forecasts and projected stock</h2>
<p>Each chart adds a SKU's locations and channels: recent sales (grey), the forecast (dark blue) with its 80% band; below it, where the run has stock positions, the stock projected day by day (green), against zero: the network's (today's inventory positions, today's purchase orders on their receipt days, less the forecast), or for a SKU shown because a DC ran short, that DC's (its position after today's transfers, its purchase orders on their receipt days, less what its stores will need beyond their own stock).</p>
{{range .Rendered}}<div class="chart" id="{{.Anchor}}"><h3>{{.SKU}}</h3><p class="why">{{.Why}}</p><img alt="forecast of {{.SKU}}" src="{{.PNG}}">{{if .Stock}}<br>{{if .StockOf}}<p class="why">Projected stock at {{.StockOf}}, the DC that ran short:</p>{{end}}<img alt="projected stock of {{.SKU}}{{if .StockOf}} at {{.StockOf}}{{end}}" src="{{.Stock}}">{{end}}</div>{{end}}
<p class="why">The run's manifest.json has its inputs, settings, stage timings and outputs.</p>
</body></html>
`))

// fanChart draws one SKU's history, forecast band, mean and projected
// stock, with days on the x axis counted from the forecast's first day.
func fanChart(c *SKUChart) ([]byte, error) {
	p := plot.New()
	p.X.Label.Text = "date"
	p.Y.Label.Text = "units"
	step := func(d series.Date) float64 { return float64(c.Freq.Between(c.Start, d)) }
	off := step(c.HistoryStart)
	if len(c.Mean) > 0 {
		pts := make(plotter.XYs, 0, 2*len(c.Mean))
		for t := range c.Mean {
			pts = append(pts, plotter.XY{X: float64(t), Y: c.Lo[t]})
		}
		for t := len(c.Mean) - 1; t >= 0; t-- {
			pts = append(pts, plotter.XY{X: float64(t), Y: c.Hi[t]})
		}
		band, err := plotter.NewPolygon(pts)
		if err != nil {
			return nil, err
		}
		band.Color = color.RGBA{R: 158, G: 202, B: 225, A: 255}
		band.LineStyle.Width = 0
		p.Add(band)
		p.Legend.Add("80% band", band)
	}
	if len(c.History) > 0 {
		h := make(plotter.XYs, len(c.History))
		for t, v := range c.History {
			h[t] = plotter.XY{X: off + float64(t), Y: v}
		}
		l, err := plotter.NewLine(h)
		if err != nil {
			return nil, err
		}
		l.Color = color.Gray{Y: 110}
		p.Add(l)
		p.Legend.Add("sales", l)
	}
	if len(c.Mean) > 0 {
		m := make(plotter.XYs, len(c.Mean))
		for t, v := range c.Mean {
			m[t] = plotter.XY{X: float64(t), Y: v}
		}
		l, err := plotter.NewLine(m)
		if err != nil {
			return nil, err
		}
		l.Color = color.RGBA{R: 8, G: 48, B: 107, A: 255}
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add("forecast", l)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.X.Tick.Marker = dateTicks{c.Start, c.Freq}
	return render(p, 3*vg.Inch)
}

// stockChart draws the projected stock under the fan chart, on the same
// days.
func stockChart(c *SKUChart) ([]byte, error) {
	p := plot.New()
	p.X.Label.Text = "date"
	p.Y.Label.Text = "units in stock"
	pts := make(plotter.XYs, len(c.Stock))
	for t, v := range c.Stock {
		pts[t] = plotter.XY{X: float64(t), Y: v}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color = color.RGBA{R: 35, G: 139, B: 69, A: 255}
	l.Width = vg.Points(1.5)
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: float64(len(c.Stock) - 1), Y: 0}})
	if err != nil {
		return nil, err
	}
	zero.Color = color.RGBA{R: 203, G: 24, B: 29, A: 255}
	zero.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
	p.Add(l, zero)
	name := "projected stock, network"
	if c.StockOf != "" {
		name = "projected stock at " + c.StockOf
	}
	p.Legend.Add(name, l)
	p.Legend.Add("stock-out", zero)
	p.Legend.Top = true
	p.X.Tick.Marker = dateTicks{c.Start, c.Freq}
	return render(p, 2*vg.Inch)
}

func render(p *plot.Plot, height vg.Length) ([]byte, error) {
	w, err := p.WriterTo(8*vg.Inch, height, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// dateTicks labels an axis of periods counted from start with their
// dates ("6 Jan"), at whole periods.
type dateTicks struct {
	start series.Date
	freq  series.Freq
}

func (d dateTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	out := ticks[:0]
	for _, t := range ticks {
		if t.Label != "" {
			if t.Value != math.Round(t.Value) {
				continue // a date falls on a whole period
			}
			t.Label = d.freq.Add(d.start, int(t.Value)).Time().Format("2 Jan")
		}
		out = append(out, t)
	}
	return out
}
