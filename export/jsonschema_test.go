package export

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/atp"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/placement"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
)

// samplePrices is an everyday price with a cost, one without, and a
// markdown, with the elasticities behind them.
func samplePrices(t *testing.T) ([]pricing.Line, []pricing.Elasticity, []pricing.Fit) {
	t.Helper()
	est := []pricing.Elasticity{
		{SKU: "A", Group: "Snacks", Elasticity: -2.1, StdError: 0.2, Own: -2.3, OwnStdError: 0.3, NObs: 104, Method: pricing.MethodShrunk},
		{SKU: "B", Group: "Snacks", Elasticity: -1.8, StdError: 0.4, Own: math.NaN(), OwnStdError: math.NaN(), NObs: 52,
			Method: pricing.MethodGroup, Flag: pricing.FlagNoPriceVariation},
	}
	fits := []pricing.Fit{{SKU: "A", PromoElasticity: -2.5, FeatureLift: 1.3, DisplayLift: 1.1, PriceSD: 0.12},
		{SKU: "B", PromoElasticity: math.NaN(), FeatureLift: 1, DisplayLift: 1}}
	items := []pricing.Item{
		{SKU: "A", Location: "*", Price: 2.99, Units: 120, Cost: 1.2, Elasticity: est[0], Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
		{SKU: "B", Location: "S1", Price: 4.49, Units: 30, Cost: math.NaN(), Elasticity: est[1], Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
	}
	day := series.MustParseDate("2026-03-02")
	var lines []pricing.Line
	for i, rec := range pricing.Recommend(items, nil) {
		lines = append(lines, pricing.Line{Recommendation: rec, Kind: pricing.KindEveryday, Effective: day, UnitCost: items[i].Cost, Days: 28, Reason: "test"})
	}
	md := pricing.MarkdownItem{SKU: "C", Location: "*", Regular: 19.99, Current: 19.99, Stock: 300, Salvage: 2, Demand: []float64{40, 35, 30, 20}, Elasticity: -2.5}
	plan, err := pricing.PlanMarkdown(md, nil)
	require.NoError(t, err)
	lines = append(lines, pricing.Line{Recommendation: pricing.Recommendation{SKU: "C", Location: "*", Current: 19.99, New: plan.Prices[0],
		Elasticity: -2.5, StdError: 0.3, MarginCurrent: math.NaN(), MarginNew: math.NaN(), Bound: pricing.BoundOptimum},
		Kind: pricing.KindMarkdown, Effective: day, UnitCost: 8, Days: 28, Markdown: &plan, Stock: 300, Reason: "ends"})
	return lines, est, fits
}

// Every line of a written JSON Lines file has what its JSON Schema
// requires, with the types it states, and the schema's version.
func TestFilesFollowTheirJSONSchemas(t *testing.T) {
	dir := t.TempDir()
	wb := sampleWorkbook(t)
	files := map[string]string{"orders": filepath.Join(dir, "orders.jsonl"), "allocation": filepath.Join(dir, "allocation.jsonl"),
		"approvals": filepath.Join(dir, "approvals.jsonl")}
	require.NoError(t, WriteOrders(files["orders"], wb.Orders))
	require.NoError(t, WriteAllocation(files["allocation"], wb.PlanDate, wb.Allocation, nil))
	require.NoError(t, WriteApprovals(files["approvals"], []Approval{{Plan: "orders", LineID: "TO-1", SKU: "A", From: "DC1", To: "S1", Decision: "yes"}}))
	factories := []production.Factory{{Name: "F1", Capacity: []float64{50, 50, 50}, Products: []production.Product{
		{SKU: "A", Demand: []float64{10, 20, 30}, Costs: production.Costs{Setup: 40, Holding: 1}, LeadTime: 1}}}}
	plan, err := production.PlanFactory(&factories[0], production.WagnerWhitin{})
	require.NoError(t, err)
	periods := []string{"2026-03-02", "2026-03-09", "2026-03-16"}
	files["production"] = filepath.Join(dir, "production.jsonl")
	files["capacity_load"] = filepath.Join(dir, "load.jsonl")
	require.NoError(t, WriteProduction(files["production"], periods, factories, []*production.FactoryPlan{plan}, "ww"))
	require.NoError(t, WriteCapacityLoad(files["capacity_load"], periods, factories, []*production.FactoryPlan{plan}))
	lines, est, fits := samplePrices(t)
	files["prices"] = filepath.Join(dir, "prices.jsonl")
	files["elasticities"] = filepath.Join(dir, "elasticities.jsonl")
	files["markdowns"] = filepath.Join(dir, "markdowns.jsonl")
	require.NoError(t, WritePrices(files["prices"], lines))
	require.NoError(t, WriteElasticities(files["elasticities"], est, fits))
	require.NoError(t, WriteMarkdowns(files["markdowns"], lines))
	files["atp"] = filepath.Join(dir, "atp.jsonl")
	promised, _, err := atp.Plan([]atp.Position{{SKU: "A", Location: "S1", Stock: 6, Demand: []atp.Demand{{Mean: 2, Variance: 3}, {Mean: 1, Variance: 1}}}},
		[]atp.Channel{{Name: "store", LostSale: 1}, {Name: "instant", LostSale: 0.6, MaxShare: 0.5}})
	require.NoError(t, err)
	require.NoError(t, WriteATP(files["atp"], series.MustParseDate("2026-03-02"), promised))
	files["placement"] = filepath.Join(dir, "placement.jsonl")
	net := &placement.Network{Nodes: []placement.Node{{Name: "DC1"}}, Zones: []string{"Z1", "Z2"},
		Channels: []placement.Channel{{Name: "online", PromiseHours: 48}}, Hours: [][]float64{{24, math.NaN()}}, Cost: [][]float64{{1, math.NaN()}}}
	skus := []placement.SKU{{SKU: "A", UnitCost: 2, LostSale: 3, Streams: []placement.Stream{{Zone: 0, Mean: 2, Variance: 3}, {Zone: 1, Mean: 1, Variance: 1}}}}
	placed, err := placement.Place(net, skus, placement.Policy{Days: 28, CoverDays: 7, Service: 0.95, HoldingRate: 0.25})
	require.NoError(t, err)
	require.NoError(t, WritePlacement(files["placement"], series.MustParseDate("2026-03-02"), placed.Lines(net, skus), func(string, string) float64 { return 4 }))
	files["assortment"] = filepath.Join(dir, "assortment.jsonl")
	shelf := &assortment.Problem{Products: []assortment.Product{{SKU: "A", Demand: 10, Margin: 1, Width: 1, Current: true},
		{SKU: "B", Demand: 4, Margin: 1, Cost: 5, Width: 1}}, Space: 1, MaxChanges: -1}
	ranged, err := assortment.Choose(shelf)
	require.NoError(t, err)
	require.NoError(t, WriteAssortment(files["assortment"], series.MustParseDate("2026-03-02"),
		[]StoreRange{{Store: "S1", Category: "Grocery", Lines: shelf.Lines(ranged)}}))
	files["exceptions"] = filepath.Join(dir, "exceptions.jsonl")
	require.NoError(t, WriteExceptions(files["exceptions"], exceptions.Group([]exceptions.Finding{
		{Kind: exceptions.DCShort, SKU: "A", Location: "DC1", Plan: "orders", Line: "TO-1", Units: 3, Value: 7.5, Detail: "short"}},
		exceptions.Rules{}, series.MustParseDate("2026-03-02"))))
	for i := range Outputs {
		o := &Outputs[i]
		raw, err := o.JSONSchema()
		require.NoError(t, err)
		var schema struct {
			Properties map[string]struct {
				Type  any
				Const string
			}
			Required []string
		}
		require.NoError(t, json.Unmarshal(raw, &schema))
		f, err := os.Open(files[o.Name])
		require.NoError(t, err, o.Name)
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			var line map[string]any
			require.NoError(t, json.Unmarshal(sc.Bytes(), &line))
			for _, k := range schema.Required {
				v, ok := line[k]
				require.True(t, ok, "%s: line %d has no %s", o.Name, n+1, k)
				switch typ := schema.Properties[k].Type; typ {
				case "number":
					assert.IsType(t, 0.0, v, "%s.%s", o.Name, k)
				case "integer":
					require.IsType(t, 0.0, v, "%s.%s", o.Name, k)
					assert.Equal(t, math.Trunc(v.(float64)), v, "%s.%s is whole", o.Name, k)
				case "string":
					assert.IsType(t, "", v, "%s.%s", o.Name, k)
				default:
					assert.Equal(t, []any{"number", "null"}, typ, "%s.%s", o.Name, k)
					if v != nil {
						assert.IsType(t, 0.0, v, "%s.%s", o.Name, k)
					}
				}
				if c := schema.Properties[k].Const; c != "" {
					assert.Equal(t, c, v)
				}
			}
			n++
		}
		f.Close()
		assert.Positive(t, n, o.Name)
	}
}
