package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
)

// ReportName is the run's HTML report in its folder.
const ReportName = "report.html"

// reportTopSKUs and reportExceptionSKUs bound the report's charts: the
// best sellers, then SKUs with an exception.
const (
	reportTopSKUs       = 6
	reportExceptionSKUs = 6
)

// ReportStage writes report.html, one self-contained page for planners:
// the run's key figures and exceptions, and fan charts of the forecast of
// the top SKUs and of SKUs with an exception, with the network's stock
// projected over the horizon.
type ReportStage struct{}

// Name implements Stage.
func (ReportStage) Name() string { return "report" }

// Run implements Stage.
func (ReportStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	if r.forecasts == nil {
		return StageReport{Summary: "skipped: no forecasts in this run to report"}, nil
	}
	figures, exceptions := r.keyFigures()
	d := &report.Data{Title: "Plan for " + r.forecasts.Values().First().String(), Exceptions: exceptions}
	for _, f := range figures {
		d.Figures = append(d.Figures, report.Figure{Name: f.Name, Value: f.Value})
	}
	if r.prices != nil {
		d.Tables = append(d.Tables, priceTables(r.prices)...)
	}
	if r.atp != nil {
		d.Tables = append(d.Tables, r.atp.table())
	}
	if r.place != nil {
		d.Tables = append(d.Tables, r.place.table())
	}
	if r.peak != nil {
		d.Tables = append(d.Tables, r.peak.tables()...)
	}
	if r.assort != nil {
		d.Tables = append(d.Tables, r.assort.table())
	}
	if err := r.changes(ctx, d); err != nil {
		return StageReport{}, err
	}
	charts, err := r.skuCharts(ctx)
	if err != nil {
		return StageReport{}, err
	}
	d.Charts = charts
	if err := report.Write(filepath.Join(r.Dir, ReportName), d); err != nil {
		return StageReport{}, err
	}
	if err := r.record(ReportName); err != nil {
		return StageReport{}, err
	}
	return StageReport{Summary: fmt.Sprintf("%s: %d charts, %d exceptions", ReportName, len(charts), len(exceptions)),
		Rows: map[string]int64{ReportName: int64(len(charts))}}, nil
}

// skuCharts adds every SKU's forecast over its locations and channels and
// picks the SKUs to chart: the largest forecast demand first, then those
// with an exception in the plans.
func (r *Run) skuCharts(ctx context.Context) ([]report.SKUChart, error) {
	res := r.forecasts.Values()
	start := res.First()
	h := res.Horizon
	type total struct{ mean, variance []float64 }
	bySKU := map[string]*total{}
	for i, k := range res.Keys {
		t := bySKU[k.SKU]
		if t == nil {
			t = &total{make([]float64, h), make([]float64, h)}
			bySKU[k.SKU] = t
		}
		off := res.Freq.Between(start, res.Starts[i])
		for s := 0; s < h && off+s < h; s++ {
			t.mean[off+s] += res.Mean[i*h+s]
			t.variance[off+s] += res.Variance(i, s)
		}
	}
	skus := make([]string, 0, len(bySKU))
	for s := range bySKU {
		skus = append(skus, s)
	}
	sum := func(xs []float64) float64 {
		t := 0.0
		for _, x := range xs {
			t += x
		}
		return t
	}
	sort.Slice(skus, func(a, b int) bool {
		ta, tb := sum(bySKU[skus[a]].mean), sum(bySKU[skus[b]].mean)
		if ta != tb {
			return ta > tb
		}
		return skus[a] < skus[b]
	})
	why := map[string]string{}
	var chosen []string
	for _, s := range skus[:min(reportTopSKUs, len(skus))] {
		chosen = append(chosen, s)
		why[s] = fmt.Sprintf("Among the %d largest forecasts: %.0f units over the next %d %s.", reportTopSKUs, sum(bySKU[s].mean), h, periodWord(res.Freq))
	}
	extra := 0
	flag := func(sku, text string) {
		if _, ok := why[sku]; ok || extra >= reportExceptionSKUs || bySKU[sku] == nil {
			return
		}
		why[sku] = "Exception: " + text
		chosen = append(chosen, sku)
		extra++
	}
	for _, l := range r.orderLines() {
		if l.Exception != "" {
			flag(l.SKU, fmt.Sprintf("%s -> %s: %s", l.From, l.To, l.Exception))
		}
	}
	if r.allocation != nil {
		for i := range r.allocation.Allocations {
			if a := &r.allocation.Allocations[i]; a.Exception != "" {
				flag(a.SKU, fmt.Sprintf("at %s: %s", a.DC, a.Exception))
			}
		}
	}
	// The network's stock of each SKU: every location's inventory position
	// today, with today's purchase orders added on their receipt day.
	position := map[string]float64{}
	at := map[[2]string]float64{} // by SKU and location
	hasStock := false
	if sup, err := r.Store.Supply(ctx); err != nil {
		return nil, err
	} else if sup.AsOf != 0 {
		hasStock = true
		for _, p := range sup.Positions {
			position[p.SKU] += p.Inventory()
			at[[2]string{p.SKU, p.Location}] += p.Inventory()
		}
	}
	// A SKU shown for a short DC gets that DC's projection.
	shortDC := map[string]string{}
	for i := range r.exceptions {
		if e := &r.exceptions[i]; e.Kind == exceptions.DCShort && shortDC[e.SKU] == "" {
			shortDC[e.SKU] = e.Location
		}
	}
	receipts := map[string]map[int]float64{}
	for _, l := range r.orderLines() {
		if l.Transfer || l.Qty <= 0 {
			continue
		}
		if receipts[l.SKU] == nil {
			receipts[l.SKU] = map[int]float64{}
		}
		receipts[l.SKU][max(0, res.Freq.Between(start, l.ReceiptDate))] += l.Qty
	}
	var charts []report.SKUChart
	z := distuv.UnitNormal.Quantile(0.9) // sums of forecasts: a normal's 10% and 90% levels
	for _, s := range chosen {
		t := bySKU[s]
		c := report.SKUChart{SKU: s, Why: why[s], Start: start, Freq: res.Freq,
			Mean: t.mean, Lo: make([]float64, h), Hi: make([]float64, h)}
		for k := range t.mean {
			sd := math.Sqrt(t.variance[k])
			c.Lo[k], c.Hi[k] = math.Max(0, t.mean[k]-z*sd), t.mean[k]+z*sd
		}
		c.HistoryStart, c.History = r.recentSales(s, start, map[series.Freq]int{series.Daily: 56, series.Weekly: 26, series.Monthly: 12}[res.Freq])
		switch dc := shortDC[s]; {
		case hasStock && dc != "" && strings.HasPrefix(why[s], "Exception"):
			c.StockOf, c.Stock = dc, r.dcProjection(s, dc, at)
		case hasStock:
			c.Stock = make([]float64, h)
			level := position[s]
			for k := range c.Stock {
				level += receipts[s][k] - t.mean[k]
				c.Stock[k] = level
			}
		}
		charts = append(charts, c)
	}
	return charts, nil
}

// recentSales adds a SKU's sales over its locations and channels for the
// periods before start, at most n of them.
func (r *Run) recentSales(sku string, start series.Date, n int) (series.Date, []float64) {
	p := r.forecasts.History
	if p == nil {
		return start, nil
	}
	from := p.Freq.Add(start, -n)
	out := make([]float64, n)
	for i, k := range p.Keys {
		if k.SKU != sku {
			continue
		}
		y := p.Series(i)
		for t, v := range y {
			if at := p.Freq.Between(from, p.Freq.Add(p.Starts[i], t)); at >= 0 && at < n {
				out[at] += v
			}
		}
	}
	return from, out
}

func periodWord(f series.Freq) string {
	return strings.ToLower(map[series.Freq]string{series.Daily: "days", series.Weekly: "weeks", series.Monthly: "months"}[f])
}

// priceMoves counts everyday prices up and down, and markdowns.
func priceMoves(lines []pricing.Line) (up, down, markdowns int) {
	for i := range lines {
		l := &lines[i]
		switch {
		case l.Kind == pricing.KindMarkdown:
			markdowns++
		case l.New > l.Current+1e-9:
			up++
		case l.New < l.Current-1e-9:
			down++
		}
	}
	return up, down, markdowns
}

// reportPriceRows is how many price lines each report table lists.
const reportPriceRows = 15

// priceTables are the report's price sections: the everyday price moves
// with the largest expected margin change (revenue without a cost), and
// the markdowns, largest stock first.
func priceTables(res *PriceResult) []report.Table {
	gain := func(l *pricing.Line) float64 {
		if math.IsNaN(l.MarginCurrent) {
			return l.RevenueNew - l.RevenueCurrent
		}
		return l.MarginNew - l.MarginCurrent
	}
	var moves, markdowns []*pricing.Line
	for i := range res.Lines {
		l := &res.Lines[i]
		switch {
		case l.Kind == pricing.KindMarkdown:
			markdowns = append(markdowns, l)
		case l.New != l.Current:
			moves = append(moves, l)
		}
	}
	sort.SliceStable(moves, func(a, b int) bool { return gain(moves[a]) > gain(moves[b]) })
	sort.SliceStable(markdowns, func(a, b int) bool { return markdowns[a].Stock > markdowns[b].Stock })
	var out []report.Table
	if len(moves) > 0 {
		t := report.Table{Title: fmt.Sprintf("Price moves (%d)", len(moves)),
			Note:    "Largest expected gain first (margin, or revenue where there is no cost), over each line's horizon; all lines are in prices.csv and the workbook's Prices sheet.",
			Header:  []string{"SKU", "Location", "Price", "New price", "Elasticity", "Expected gain", "Held by"},
			Numeric: []bool{false, false, true, true, true, true, false}}
		for _, l := range moves[:min(len(moves), reportPriceRows)] {
			t.Rows = append(t.Rows, []string{l.SKU, l.Location, report.Money(l.Current), report.Money(l.New),
				fmt.Sprintf("%.2f ± %.2f", l.Elasticity, l.StdError), report.Money(gain(l)), l.Bound})
		}
		out = append(out, t)
	}
	if len(markdowns) > 0 {
		t := report.Table{Title: fmt.Sprintf("Markdowns (%d)", len(markdowns)),
			Note:    "Products ending soon or overstocked; the week-by-week prices are in markdowns.csv.",
			Header:  []string{"SKU", "Stock", "Price", "First price", "Weeks", "Expected units left"},
			Numeric: []bool{false, true, true, true, true, true}}
		for _, l := range markdowns[:min(len(markdowns), reportPriceRows)] {
			t.Rows = append(t.Rows, []string{l.SKU, report.Number(math.Round(l.Stock)), report.Money(l.Current), report.Money(l.New),
				strconv.Itoa(len(l.Markdown.Prices)), report.Number(math.Round(l.Markdown.Leftover))})
		}
		out = append(out, t)
	}
	return out
}

// priceFigures are the key figures of the price stage.
func priceFigures(res *PriceResult) []export.Figure {
	up, down, markdowns := priceMoves(res.Lines)
	var before, after float64
	for i := range res.Lines {
		l := &res.Lines[i]
		if l.Kind == pricing.KindEveryday && !math.IsNaN(l.MarginCurrent) {
			before += l.MarginCurrent
			after += l.MarginNew
		}
	}
	return []export.Figure{{Name: "Price increases", Value: float64(up)}, {Name: "Price decreases", Value: float64(down)},
		{Name: "Markdowns", Value: float64(markdowns)},
		{Name: "Expected margin change of new prices (28 days)", Value: math.Round((after-before)*100) / 100}}
}

// reportMoves is how many forecast moves the report lists.
const reportMoves = 10

// changes fills the report's "changed since last night": the exceptions
// that are new tonight, those resolved since the night before and those
// with more at risk than then, and the SKUs whose forecast moved most
// since the run before (over the days both forecast).
func (r *Run) changes(ctx context.Context, d *report.Data) error {
	day := r.forecasts.Values().First()
	ch, err := r.Store.ChangesSince(ctx, day)
	if err != nil {
		return err
	}
	moves, err := r.Store.ForecastMoves(ctx, r.ID, reportMoves)
	if err != nil {
		return err
	}
	exTable := report.Table{Title: "Exceptions", Header: []string{"Change", "Kind", "SKU", "Location", "Value at risk", "Night before"},
		Numeric: []bool{false, false, false, false, true, true}}
	money := report.Money
	first := len(moves) == 0 && len(ch.Resolved) == 0 && len(ch.Worsened) == 0
	for i := range r.exceptions {
		if e := &r.exceptions[i]; e.Status == "new" && !first {
			exTable.Rows = append(exTable.Rows, []string{"new", string(e.Kind), e.SKU, e.Location, money(e.ValueAtRisk), ""})
		}
	}
	for i, e := range ch.Worsened {
		exTable.Rows = append(exTable.Rows, []string{"worse", e.Kind, e.SKU, e.Location, money(e.Value), money(ch.Previous[i])})
	}
	for _, e := range ch.Resolved {
		exTable.Rows = append(exTable.Rows, []string{"resolved", e.Kind, e.SKU, e.Location, "", money(e.Value)})
	}
	if len(exTable.Rows) > 0 {
		d.Changes = append(d.Changes, exTable)
	}
	if t := r.orderMoves(); len(t.Rows) > 0 {
		d.Changes = append(d.Changes, t)
	}
	sums, err := r.Store.Accuracy(ctx)
	if err != nil {
		return err
	}
	if acc := accuracyOf(sums); len(acc.Runs) > 0 {
		t := report.Table{Title: "Accuracy of past runs",
			Note:    "Each run's forecasts against the sales loaded since (planner accuracy has them by horizon, category and model). FVA: the WAPE points planners' overrides saved.",
			Header:  []string{"Run", "Plan date", "Days scored", "WAPE", "Bias", "Within the band", "Overridden days", "FVA"},
			Numeric: []bool{false, false, true, true, true, true, true, true}}
		share := func(v *float64) string {
			if v == nil {
				return ""
			}
			return fmt.Sprintf("%.1f%%", 100**v)
		}
		runs := acc.Runs[max(0, len(acc.Runs)-reportMoves):]
		for i := len(runs) - 1; i >= 0; i-- {
			a := &runs[i]
			t.Rows = append(t.Rows, []string{a.RunID, a.PlanDate, report.Number(float64(a.Days)), share(a.WAPE), share(a.Bias), share(a.Coverage),
				report.Number(float64(a.OverriddenDays)), share(a.FVA)})
		}
		d.Changes = append(d.Changes, t)
	}
	if len(moves) > 0 {
		t := report.Table{Title: "Largest forecast moves", Note: "All locations and channels added, over the days both runs forecast.",
			Header: []string{"SKU", "Before", "Now", "Change"}, Numeric: []bool{false, true, true, true}}
		for _, m := range moves {
			change := "new"
			if m.Before > 0 {
				change = fmt.Sprintf("%+.0f%%", 100*(m.Now/m.Before-1))
			}
			t.Rows = append(t.Rows, []string{m.SKU, report.Number(math.Round(m.Before)), report.Number(math.Round(m.Now)), change})
		}
		d.Changes = append(d.Changes, t)
	}
	if len(d.Changes) == 0 {
		d.ChangesNote = "Nothing to compare with: no earlier night in this database moved an exception, a forecast or an order."
	}
	return nil
}

// orderMoves are the order lines whose quantity moved most since the run
// out/latest points at (the night before), by SKU and lane.
func (r *Run) orderMoves() report.Table {
	t := report.Table{Title: "Largest order moves", Note: "Against the previous run's orders, by SKU and lane.",
		Header: []string{"SKU", "From", "To", "Before", "Now"}, Numeric: []bool{false, false, false, true, true}}
	prev, err := files.ReadCSVTable(filepath.Join(r.Config.Out, "latest", "orders.csv"), "sku", "from", "to", "quantity")
	if err != nil || r.orders == nil {
		return t // no run before this one, or no orders in either
	}
	type lane struct{ sku, from, to string }
	before, now := map[lane]float64{}, map[lane]float64{}
	for i := 0; i < prev.Len(); i++ {
		q, _ := strconv.ParseFloat(prev.String(i, "quantity"), 64)
		before[lane{cell(prev, i, "sku"), cell(prev, i, "from"), cell(prev, i, "to")}] += q
	}
	for _, l := range r.orders.Lines {
		now[lane{l.SKU, l.From, l.To}] += l.Qty
	}
	var lanes []lane
	for _, m := range []map[lane]float64{before, now} {
		for k := range m {
			if math.Abs(now[k]-before[k]) >= 1 && !slices.Contains(lanes, k) {
				lanes = append(lanes, k)
			}
		}
	}
	sort.Slice(lanes, func(a, b int) bool {
		da, db := math.Abs(now[lanes[a]]-before[lanes[a]]), math.Abs(now[lanes[b]]-before[lanes[b]])
		if da != db {
			return da > db
		}
		return lanes[a].sku+lanes[a].from+lanes[a].to < lanes[b].sku+lanes[b].from+lanes[b].to
	})
	for _, k := range lanes[:min(len(lanes), reportMoves)] {
		t.Rows = append(t.Rows, []string{k.sku, k.from, k.to, report.Number(before[k]), report.Number(now[k])})
	}
	return t
}

// dcProjection projects a DC's stock of a SKU over the forecast days: what
// it holds to ship today less today's transfers to its stores; its open
// inbound (on order, in transit) when its lead time has passed, as the
// dates of open orders are not known; today's purchase orders on their
// receipt days; less what its stores will need beyond their own stock
// (their positions and today's transfers) as their forecasts add up.
// Below zero, the DC cannot serve them.
func (r *Run) dcProjection(sku, dc string, at map[[2]string]float64) []float64 {
	res := r.forecasts.Values()
	start, h := res.First(), res.Horizon
	level := 0.0
	receipts := make([]float64, h)
	stock := map[string]float64{} // each store's stock before the days ahead
	if r.orders != nil {
		for _, it := range r.orders.Network.Items {
			switch {
			case it.SKU != sku:
			case it.Location == dc:
				p := it.Position
				level = math.Max(0, p.OnHand-p.Backorders-p.Reserved)
				receipts[min(h-1, int(math.Ceil(it.Lane.LeadTime)))] += p.OnOrder + p.InTransit
			case it.Lane.Transfer && it.Lane.From == dc:
				stock[it.Location] = 0
			}
		}
	}
	for _, l := range r.orderLines() {
		switch {
		case l.SKU != sku:
		case l.Transfer && l.From == dc:
			level -= l.Qty
			stock[l.To] += l.Qty
		case !l.Transfer && l.To == dc && l.Qty > 0:
			if k := res.Freq.Between(start, l.ReceiptDate); k < h {
				receipts[max(0, k)] += l.Qty
			}
		}
	}
	for loc := range stock {
		stock[loc] += at[[2]string{sku, loc}]
	}
	demand := map[string][]float64{}
	for i, k := range res.Keys {
		if _, served := stock[k.Location]; k.SKU != sku || !served {
			continue
		}
		if demand[k.Location] == nil {
			demand[k.Location] = make([]float64, h)
		}
		off := res.Freq.Between(start, res.Starts[i])
		for t := 0; t < h && off+t < h; t++ {
			demand[k.Location][off+t] += res.Mean[i*h+t]
		}
	}
	out := make([]float64, h)
	cum := map[string]float64{}
	for t := range out {
		need := 0.0
		for loc, d := range demand {
			before := math.Max(0, cum[loc]-stock[loc])
			cum[loc] += d[t]
			need += math.Max(0, cum[loc]-stock[loc]) - before
		}
		level += receipts[t] - need
		out[t] = level
	}
	return out
}
