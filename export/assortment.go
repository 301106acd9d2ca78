package export

import (
	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/series"
)

// AssortmentSchema is the assortment file's layout and version.
const AssortmentSchema = "assortment/1"

var assortmentFile = OutputFile{Name: "assortment", Schema: AssortmentSchema,
	Doc: "Store ranges: one row per store, category and product: whether the store carries the product, on how many facings, what it " +
		"is expected to sell there (its own demand and what transfers to it from the products not carried) and earn, and what that " +
		"changes against today's range, with the reason. A dropped product runs out its stock (no new orders). CSV, Parquet, JSON " +
		"(one array) or JSON Lines by the file's extension.",
	Columns: []OutputColumn{
		{"date", "date", "The day the range is planned from: the day after the history."},
		{"store", "text", "Store."},
		{"category", "text", "Product category."},
		{"sku", "text", "Product."},
		{"carry", "text", "yes when the store carries the product, no when it does not."},
		{"facings", "number", "Facings on the shelf; 0 when not carried."},
		{"expected_units", "number", "Units the product is expected to sell over the period when carried; 0 when not."},
		{"margin", "number", "Margin on the expected units less the cost of carrying the product; 0 when not carried."},
		{"change", "text", "add, drop, keep (carried today and kept) or out (not carried today, not added)."},
		{"reason", "text", "Why, in words."},
		schemaColumn,
		{"line_id", "text", "AS- and 12 hex digits: the same for the same store, product and date on every rerun; the Assortment sheet's line, which a merchandiser approves."},
	}}

func init() { Outputs = append(Outputs, assortmentFile) }

// StoreRange is one store's range in one category.
type StoreRange struct {
	Store, Category string
	Lines           []assortment.Line
	// Today is what today's range earns on the same demand and transfer.
	Today float64
}

// WriteAssortment writes the stores' ranges, planned on day.
func WriteAssortment(path string, day series.Date, ranges []StoreRange) error {
	return writeTable(path, &assortmentFile, assortmentRows(day, ranges))
}

// assortmentRows are the assortment file's rows, values in column order.
func assortmentRows(day series.Date, ranges []StoreRange) [][]any {
	var rows [][]any
	date := day.String()
	for _, r := range ranges {
		for i := range r.Lines {
			l := &r.Lines[i]
			carry := "no"
			if l.Carry {
				carry = "yes"
			}
			rows = append(rows, []any{date, r.Store, r.Category, l.SKU, carry, float64(l.Facings), round4(l.Units),
				round2(l.Margin), string(l.Change), l.Reason, AssortmentSchema, lineID("AS", date, l.SKU, "", r.Store)})
		}
	}
	return rows
}

// rangeChanges are the ranges' lines that add or drop a product: a
// chain's every line is far more than a sheet holds, and the others
// change nothing to approve.
func rangeChanges(ranges []StoreRange) []StoreRange {
	var out []StoreRange
	for _, r := range ranges {
		c := StoreRange{Store: r.Store, Category: r.Category, Today: r.Today}
		for _, l := range r.Lines {
			if l.Change == assortment.Add || l.Change == assortment.Drop {
				c.Lines = append(c.Lines, l)
			}
		}
		if len(c.Lines) > 0 {
			out = append(out, c)
		}
	}
	return out
}
