package export

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/production"
)

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
	for i := range Outputs {
		o := &Outputs[i]
		raw, err := o.JSONSchema()
		require.NoError(t, err)
		var schema struct {
			Properties map[string]struct{ Type, Const string }
			Required   []string
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
				switch schema.Properties[k].Type {
				case "number":
					assert.IsType(t, 0.0, v, "%s.%s", o.Name, k)
				case "string":
					assert.IsType(t, "", v, "%s.%s", o.Name, k)
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
