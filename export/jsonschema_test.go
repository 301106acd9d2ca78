package export

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
