package export

import (
	"math"

	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/series"
)

// The pricing files' layouts and versions.
const (
	ElasticitiesSchema = "elasticities/1"
	PricesSchema       = "prices/1"
	MarkdownsSchema    = "markdowns/1"
)

var elasticitiesFile = OutputFile{Name: "elasticities", Schema: ElasticitiesSchema,
	Doc: "Price elasticities (`planner price --elasticities`): one row per product, the estimate recommendations use. " +
		"CSV, Parquet, JSON (one array) or JSON Lines by the file's extension.",
	Columns: []OutputColumn{
		{"sku", "text", "Product."},
		{"elasticity", NullableNumber, "Change in log units per change in log regular price (-2: 1% dearer sells 2% fewer); empty when none could be estimated."},
		{"std_error", NullableNumber, "Standard error of elasticity."},
		{"n_obs", "integer", "Location-periods the product's own model was fitted on."},
		{"method", "text", "Which estimate elasticity is: product_shrunk (the product's own, shrunk towards its group's), group (its department's pooled estimate), all_products (every product's), none."},
		{"flag", "text", "Why the own estimate was not used: no_price_variation, few_observations, wrong_sign, imprecise, no_history (several joined by ;); empty when it was."},
		{"own_elasticity", NullableNumber, "The product's own estimate before pooling; empty when its price never moved."},
		{"own_std_error", NullableNumber, "Standard error of own_elasticity."},
		{"promo_elasticity", NullableNumber, "Response to temporary discounts (own model)."},
		{"feature_lift", "number", "Demand multiplier of a period fully in the circular (1: no effect or never featured)."},
		{"display_lift", "number", "Demand multiplier of a period fully on display."},
		{"price_sd", "number", "Standard deviation of the log price paid: how much the price moved."},
		{"group", "text", "Pooling group (department, else category)."},
		{"confidence", "text", "high (std_error at most 0.25), medium (at most 0.5), low, or none."},
		schemaColumn,
	}}

var pricesFile = OutputFile{Name: "prices", Schema: PricesSchema,
	Doc: "Price recommendations (`planner price --out`): one row per SKU, or per SKU and location where locations charge different " +
		"prices. Everyday prices maximise profit (revenue without a cost) within the guardrails; markdown rows are the first step of the schedule in markdowns.",
	Columns: []OutputColumn{
		{"line_id", "text", "PR- and 12 hex digits: the same for the same SKU, location, kind and effective date on every rerun."},
		{"sku", "text", "Product."},
		{"location", "text", "Location, or * for every location."},
		{"kind", "text", "everyday or markdown."},
		{"effective_date", "date", "First day the new price applies (the day after the history)."},
		{"current_price", "number", "Price today: the regular price (for a markdown, the shelf price, lower once an earlier markdown was taken)."},
		{"new_price", "number", "Recommended price."},
		{"change_pct", "number", "(new_price - current_price) / current_price x 100."},
		{"unit_cost", NullableNumber, "Unit cost; empty when unknown."},
		{"horizon_days", "integer", "Days the expected figures cover (the markdown's weeks for markdowns)."},
		{"expected_units_current", "number", "Expected units at the current price over horizon_days."},
		{"expected_units_new", "number", "Expected units at the new price (under the markdown schedule for markdowns)."},
		{"revenue_current", "number", "Expected revenue at the current price."},
		{"revenue_new", "number", "Expected revenue at the new price."},
		{"margin_current", NullableNumber, "Expected gross margin (revenue less unit cost) at the current price; empty without a cost."},
		{"margin_new", NullableNumber, "Expected gross margin at the new price; empty without a cost."},
		{"elasticity", NullableNumber, "Elasticity used."},
		{"std_error", NullableNumber, "Its standard error."},
		{"confidence", "text", "high, medium, low or none (see elasticities)."},
		{"method", "text", "Which estimate the elasticity is (see elasticities)."},
		{"bound", "text", "What set the price: optimum, no_change, max_change, min_margin, min_price, max_price, family, no_estimate, no_feasible, invalid_item."},
		{"stock_units", NullableNumber, "Units the markdown clears; empty for everyday prices."},
		{"reason", "text", "The recommendation in a sentence, with any warning."},
		schemaColumn,
	}}

var markdownsFile = OutputFile{Name: "markdowns", Schema: MarkdownsSchema,
	Doc: "Markdown schedules (`planner price --markdowns`): one row per markdown SKU and week until its exit; prices never rise.",
	Columns: []OutputColumn{
		{"line_id", "text", "The line_id of the SKU's markdown row in prices."},
		{"sku", "text", "Product."},
		{"location", "text", "Location, or * for every location."},
		{"week", "integer", "Week of the schedule, from 1."},
		{"start_date", "date", "First day of the week."},
		{"price", "number", "Price for the week."},
		{"discount_pct", "number", "Discount off the regular price, in percent."},
		{"expected_units", "number", "Expected units sold in the week."},
		{"expected_stock_end", "number", "Expected units left at the end of the week."},
		schemaColumn,
	}}

func init() { Outputs = append(Outputs, elasticitiesFile, pricesFile, markdownsFile) }

// WriteElasticities writes one row per product; fits are the products' own
// models in the same order.
func WriteElasticities(path string, est []pricing.Elasticity, fits []pricing.Fit) error {
	rows := make([][]any, len(est))
	for i, e := range est {
		f := &fits[i]
		rows[i] = []any{e.SKU, num(round4(e.Elasticity)), num(round4(e.StdError)), e.NObs, e.Method, e.Flag, num(round4(e.Own)), num(round4(e.OwnStdError)),
			num(round4(f.PromoElasticity)), round4(f.FeatureLift), round4(f.DisplayLift), round4(f.PriceSD), e.Group, e.Confidence(), ElasticitiesSchema}
	}
	return writeTable(path, &elasticitiesFile, rows)
}

// PriceLineID is a price line's id: stable across reruns of the same plan.
func PriceLineID(l *pricing.Line) string {
	return lineID("PR", l.Effective.String(), l.SKU, l.Location, l.Kind)
}

// WritePrices writes the price lines.
func WritePrices(path string, lines []pricing.Line) error {
	return writeTable(path, &pricesFile, priceRows(lines))
}

func priceRows(lines []pricing.Line) [][]any {
	rows := make([][]any, len(lines))
	for i := range lines {
		l := &lines[i]
		change := 0.0
		if l.Current > 0 {
			change = 100 * (l.New - l.Current) / l.Current
		}
		var stock any
		if l.Kind == pricing.KindMarkdown {
			stock = round4(l.Stock)
		}
		rows[i] = []any{PriceLineID(l), l.SKU, l.Location, l.Kind, l.Effective.String(), l.Current, l.New, round2(change),
			num(l.UnitCost), l.Days, round4(l.UnitsCurrent), round4(l.UnitsNew), round2(l.RevenueCurrent), round2(l.RevenueNew),
			num(round2(l.MarginCurrent)), num(round2(l.MarginNew)), num(round4(l.Elasticity)), num(round4(l.StdError)), l.Confidence, l.Method,
			l.Bound, stock, l.Reason, PricesSchema}
	}
	return rows
}

// WriteMarkdowns writes the schedules of the markdown lines.
func WriteMarkdowns(path string, lines []pricing.Line) error {
	var rows [][]any
	for i := range lines {
		l := &lines[i]
		if l.Markdown == nil {
			continue
		}
		id := PriceLineID(l)
		for w, p := range l.Markdown.Prices {
			rows = append(rows, []any{id, l.SKU, l.Location, w + 1, (l.Effective + 7*series.Date(w)).String(), p,
				round2(100 * (1 - p/regularOf(l))), round4(l.Markdown.Units[w]), round4(l.Markdown.StockEnd[w]), MarkdownsSchema})
		}
	}
	return writeTable(path, &markdownsFile, rows)
}

// regularOf is the price a markdown's discounts are off.
func regularOf(l *pricing.Line) float64 {
	if l.Regular > 0 {
		return l.Regular
	}
	return l.Current
}

// num writes NaN as an empty cell.
func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func round2(v float64) float64 { return math.Round(v*100)/100 + 0 }
