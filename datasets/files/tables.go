package files

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/supply"
)

// CSVTable is a small CSV file read whole, for the inputs of planning
// commands (DC stock, store stock, locations): a header naming columns in
// any order, then rows. Its accessors name the file, line and column of
// any value they refuse.
type CSVTable struct {
	Path   string
	names  []string
	header map[string]int
	rows   [][]string
	lines  []int
	// sheet marks a table read from a workbook's sheet: its errors name
	// rows, not lines.
	sheet bool
}

// ReadCSVTable reads a CSV file (gzip-compressed or not) whose header names
// at least the required columns, in any case.
func ReadCSVTable(path string, required ...string) (*CSVTable, error) {
	f, err := OpenText(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCSVTable(path, f, required...)
}

// readCSVTable reads a table's text; path names it in errors.
func readCSVTable(path string, in io.Reader, required ...string) (*CSVTable, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	head, err := r.Read()
	if err == io.EOF {
		return nil, inputErrorf("%s: empty file; the header must name %s", path, strings.Join(required, ", "))
	}
	if err != nil {
		return nil, csvError(path, err)
	}
	t := &CSVTable{Path: path, header: map[string]int{}}
	for i, h := range head {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		key := strings.ToLower(name)
		if j, dup := t.header[key]; dup {
			return nil, inputErrorf("%s: columns %d and %d are both called %q; rename one", path, j+1, i+1, name)
		}
		t.header[key] = i
		t.names = append(t.names, name)
	}
	for _, c := range required {
		if _, ok := t.header[c]; !ok {
			return nil, inputErrorf("%s: no %s column; the header must name %s (it is %s)", path, c, strings.Join(required, ", "), strings.Join(head, ","))
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(head) {
			return nil, inputErrorf("%s line %d: %d fields, the header has %d", path, line, len(rec), len(head))
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
}

// Columns returns the header's column names, trimmed, in file order.
func (t *CSVTable) Columns() []string { return t.names }

// Len is the number of rows.
func (t *CSVTable) Len() int { return len(t.rows) }

// Line is the file's line number of row i.
func (t *CSVTable) Line(i int) int { return t.lines[i] }

// String returns row i's value of the column, trimmed; "" when the file
// has no such column.
func (t *CSVTable) String(i int, col string) string {
	c, ok := t.header[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(t.rows[i][c])
}

// Key returns row i's value of a column that must not be empty.
func (t *CSVTable) Key(i int, col string) (string, error) {
	v := t.String(i, col)
	if v == "" {
		return "", t.Errorf(i, col, "is empty")
	}
	return v, nil
}

// Number returns row i's value of the column as a finite number of at
// least min; def when the column is absent or the cell empty.
func (t *CSVTable) Number(i int, col string, def, min float64) (float64, error) {
	s := t.String(i, col)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, t.Errorf(i, col, "%q is not a number", s)
	}
	if v < min {
		return 0, t.Errorf(i, col, "%s is below %v", s, min)
	}
	return v, nil
}

// Errorf formats an error naming the file, row i's line and the column.
func (t *CSVTable) Errorf(i int, col, format string, args ...any) error {
	where := "line"
	if t.sheet {
		where = "row"
	}
	return inputErrorf("%s %s %d, column %s: %s", t.Path, where, t.lines[i], col, fmt.Sprintf(format, args...))
}

// ReadDCStock reads sku,dc,qty (optional reserve) rows. Negative or
// missing quantities and a SKU listed twice for one DC are errors.
func ReadDCStock(path string) ([]supply.DCStock, error) {
	t, err := ReadCSVTable(path, "sku", "dc", "qty")
	if err != nil {
		return nil, err
	}
	out := make([]supply.DCStock, 0, t.Len())
	seen := map[[2]string]int{}
	for i := 0; i < t.Len(); i++ {
		var r supply.DCStock
		if r.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if r.DC, err = t.Key(i, "dc"); err != nil {
			return nil, err
		}
		if t.String(i, "qty") == "" {
			return nil, t.Errorf(i, "qty", "is empty")
		}
		if r.Qty, err = t.Number(i, "qty", 0, 0); err != nil {
			return nil, err
		}
		if r.Reserve, err = t.Number(i, "reserve", 0, 0); err != nil {
			return nil, err
		}
		k := [2]string{r.SKU, r.DC}
		if prev, ok := seen[k]; ok {
			return nil, t.Errorf(i, "sku", "%s at %s is listed twice (line %d too)", r.SKU, r.DC, prev)
		}
		seen[k] = t.Line(i)
		out = append(out, r)
	}
	return out, nil
}

// ReadStoreStock reads sku,location,qty rows: the stock stores hold.
func ReadStoreStock(path string) ([]supply.StoreStock, error) {
	t, err := ReadCSVTable(path, "sku", "location", "qty")
	if err != nil {
		return nil, err
	}
	out := make([]supply.StoreStock, 0, t.Len())
	for i := 0; i < t.Len(); i++ {
		var r supply.StoreStock
		if r.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if r.Location, err = t.Key(i, "location"); err != nil {
			return nil, err
		}
		if r.Qty, err = t.Number(i, "qty", 0, 0); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadStoreRules reads location,dc rows with optional min_stock,
// max_stock, pack_size (default 1; 0 is an error), priority (default 0,
// lower first), region (default: the DC) and lead_time_days (default 1).
func ReadStoreRules(path string) ([]supply.StoreRules, error) {
	t, err := ReadCSVTable(path, "location", "dc")
	if err != nil {
		return nil, err
	}
	out := make([]supply.StoreRules, 0, t.Len())
	seen := map[string]int{}
	for i := 0; i < t.Len(); i++ {
		var r supply.StoreRules
		if r.Location, err = t.Key(i, "location"); err != nil {
			return nil, err
		}
		if r.DC, err = t.Key(i, "dc"); err != nil {
			return nil, err
		}
		if prev, ok := seen[r.Location]; ok {
			return nil, t.Errorf(i, "location", "%s is listed twice (line %d too)", r.Location, prev)
		}
		seen[r.Location] = t.Line(i)
		if r.Region = t.String(i, "region"); r.Region == "" {
			r.Region = r.DC
		}
		if r.Min, err = t.Number(i, "min_stock", 0, 0); err != nil {
			return nil, err
		}
		if r.Max, err = t.Number(i, "max_stock", 0, 0); err != nil {
			return nil, err
		}
		if r.Max > 0 && r.Min > r.Max {
			return nil, t.Errorf(i, "min_stock", "%v is above max_stock %v", r.Min, r.Max)
		}
		if r.Pack, err = t.Number(i, "pack_size", 1, 0); err != nil {
			return nil, err
		}
		if r.Pack == 0 {
			return nil, t.Errorf(i, "pack_size", "is 0; a pack holds at least one unit (leave it empty for single units)")
		}
		p, err := t.Number(i, "priority", 0, math.Inf(-1))
		if err != nil {
			return nil, err
		}
		if p != math.Trunc(p) {
			return nil, t.Errorf(i, "priority", "%v is not a whole number", p)
		}
		r.Priority = int(p)
		if r.LeadTime, err = t.Number(i, "lead_time_days", 1, 0); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadLikeItems reads sku,like_sku rows with an optional scale (default
// 1): a new product without history takes its like item's demand at every
// store, times the scale.
func ReadLikeItems(path string) ([]supply.LikeItem, error) {
	t, err := ReadCSVTable(path, "sku", "like_sku")
	if err != nil {
		return nil, err
	}
	out := make([]supply.LikeItem, 0, t.Len())
	seen := map[string]int{}
	for i := 0; i < t.Len(); i++ {
		var r supply.LikeItem
		if r.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if r.Like, err = t.Key(i, "like_sku"); err != nil {
			return nil, err
		}
		if r.Like == r.SKU {
			return nil, t.Errorf(i, "like_sku", "%s is the SKU itself", r.Like)
		}
		if prev, ok := seen[r.SKU]; ok {
			return nil, t.Errorf(i, "sku", "%s is listed twice (line %d too)", r.SKU, prev)
		}
		seen[r.SKU] = t.Line(i)
		if r.Scale, err = t.Number(i, "scale", 1, 0); err != nil {
			return nil, err
		}
		if r.Scale == 0 {
			return nil, t.Errorf(i, "scale", "is 0; a new product expected to sell nothing needs no allocation")
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadProductionDemand reads factory,sku,period,qty rows; the period is
// an integer or a date, the same kind in every row.
func ReadProductionDemand(path string) ([]supply.ProductionDemand, error) {
	t, err := ReadCSVTable(path, "factory", "sku", "period", "qty")
	if err != nil {
		return nil, err
	}
	out := make([]supply.ProductionDemand, 0, t.Len())
	for i := 0; i < t.Len(); i++ {
		var r supply.ProductionDemand
		if r.Factory, err = t.Key(i, "factory"); err != nil {
			return nil, err
		}
		if r.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if r.Period, err = t.Key(i, "period"); err != nil {
			return nil, err
		}
		if r.Qty, err = t.Number(i, "qty", 0, 0); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadFactoryCapacity reads factory,period,capacity rows. A capacity of
// zero (a closed week) is allowed; a negative one is an error.
func ReadFactoryCapacity(path string) ([]supply.FactoryCapacity, error) {
	t, err := ReadCSVTable(path, "factory", "period", "capacity")
	if err != nil {
		return nil, err
	}
	out := make([]supply.FactoryCapacity, 0, t.Len())
	seen := map[[2]string]int{}
	for i := 0; i < t.Len(); i++ {
		var r supply.FactoryCapacity
		if r.Factory, err = t.Key(i, "factory"); err != nil {
			return nil, err
		}
		if r.Period, err = t.Key(i, "period"); err != nil {
			return nil, err
		}
		if t.String(i, "capacity") == "" {
			return nil, t.Errorf(i, "capacity", "is empty")
		}
		if r.Capacity, err = t.Number(i, "capacity", 0, 0); err != nil {
			return nil, err
		}
		k := [2]string{r.Factory, r.Period}
		if prev, ok := seen[k]; ok {
			return nil, t.Errorf(i, "period", "%s of %s is listed twice (line %d too)", r.Period, r.Factory, prev)
		}
		seen[k] = t.Line(i)
		out = append(out, r)
	}
	return out, nil
}

// ReadProductionCosts reads sku,setup_cost,holding_cost rows with optional
// capacity_per_unit (default 1, more than 0), min_batch, batch_multiple
// and lead_time (periods, a whole number).
func ReadProductionCosts(path string) ([]supply.ProductionCost, error) {
	t, err := ReadCSVTable(path, "sku", "setup_cost", "holding_cost")
	if err != nil {
		return nil, err
	}
	out := make([]supply.ProductionCost, 0, t.Len())
	seen := map[string]int{}
	for i := 0; i < t.Len(); i++ {
		var r supply.ProductionCost
		if r.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if prev, ok := seen[r.SKU]; ok {
			return nil, t.Errorf(i, "sku", "%s is listed twice (line %d too)", r.SKU, prev)
		}
		seen[r.SKU] = t.Line(i)
		for _, f := range []struct {
			col string
			dst *float64
			def float64
		}{{"setup_cost", &r.Setup, 0}, {"holding_cost", &r.Holding, 0}, {"capacity_per_unit", &r.CapacityPerUnit, 1},
			{"min_batch", &r.MinBatch, 0}, {"batch_multiple", &r.BatchMultiple, 0}, {"lead_time", &r.LeadTime, 0}} {
			if *f.dst, err = t.Number(i, f.col, f.def, 0); err != nil {
				return nil, err
			}
		}
		if r.CapacityPerUnit == 0 {
			return nil, t.Errorf(i, "capacity_per_unit", "is 0; a unit uses some capacity (leave it empty for 1)")
		}
		if r.LeadTime != math.Trunc(r.LeadTime) {
			return nil, t.Errorf(i, "lead_time", "%v is not a whole number of periods", r.LeadTime)
		}
		out = append(out, r)
	}
	return out, nil
}

// Raw returns row i's value of the column as the file has it, untrimmed;
// "" when the file has no such column.
func (t *CSVTable) Raw(i int, col string) string {
	c, ok := t.header[col]
	if !ok {
		return ""
	}
	return t.rows[i][c]
}

// Row returns row i's values as the file has them, in column order.
func (t *CSVTable) Row(i int) []string { return t.rows[i] }
