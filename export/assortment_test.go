package export

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/series"
)

// A shelf of one facing: the store keeps A, which sells most, and B
// stays out; each row says so.
func TestAssortmentRowsSayWhatEachStoreCarries(t *testing.T) {
	shelf := &assortment.Problem{Products: []assortment.Product{{SKU: "A", Demand: 10, Margin: 1, Width: 1, Current: true},
		{SKU: "B", Demand: 4, Margin: 1, Cost: 5, Width: 1}}, Space: 1, MaxChanges: -1}
	plan, err := assortment.Choose(shelf)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "assortment.csv")
	require.NoError(t, WriteAssortment(path, series.MustParseDate("2026-03-02"),
		[]StoreRange{{Store: "S1", Category: "Grocery", Lines: shelf.Lines(plan)}}))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "date,store,category,sku,carry,facings,expected_units,margin,change,reason,schema,line_id\n"+
		"2026-03-02,S1,Grocery,A,yes,1,10,10,keep,earns 10 on 10 units on 1 of shelf,assortment/1,AS-c88bf7a67817\n"+
		"2026-03-02,S1,Grocery,B,no,0,0,0,out,carrying it would earn 1 less: 0 of its 4 units go to its substitutes on the shelf,assortment/1,AS-9c07f4a03016\n",
		string(raw))
}
