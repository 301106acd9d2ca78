package export

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/planner-engine/planner/allocation"
)

// AllocationSchema names the allocation file's layout and version.
const AllocationSchema = "allocation/1"

var allocationFile = OutputFile{Name: "allocation", Schema: AllocationSchema,
	Doc: "Stock moved to stores (`planner allocate --out`, `planner rebalance --out`): one row per SKU, sender and " +
		"receiver. Allocation writes every store that needs stock or gets some; rebalancing every transfer. " +
		"CSV, Parquet, JSON (one array) or JSON Lines by the file's extension.",
	Columns: []OutputColumn{
		{"line_id", "text", "AL- (allocation) or RB- (rebalancing) and 12 hex digits; the same for the same plan date, SKU, sender and receiver on every rerun."},
		{"type", "text", "allocation (DC to store) or rebalance (store to store)."},
		{"sku", "text", "SKU moved."},
		{"from", "text", "Location that ships: the DC, or the store giving stock."},
		{"to", "text", "Store (or online stock location) that receives."},
		{"quantity", "number", "Units to move, in whole packs; 0 when the store needed stock and got none."},
		{"need", "number", "Units the receiver lacks to reach its target stock (the service level's quantile of demand over the horizon, within its min and max), in whole packs."},
		{"on_hand", "number", "Receiver's stock before the move."},
		{"expected_demand", "number", "Receiver's mean demand over the horizon."},
		{"expected_sales", "number", "Units the receiver is expected to sell over the horizon with its stock after the move."},
		{"expected_fill", "number", "expected_sales / expected_demand (1 when no demand is expected)."},
		{"method", "text", "marginal, fair-share, equal-cover, priority, or rebalance."},
		{"reason", "text", "Why, in words."},
		{"exception", "text", "What a planner should check for this SKU at this DC (DC stock short, no demand anywhere); empty when nothing."},
		{"plan_date", "date", "Day the plan is for: the first forecast day."},
		schemaColumn,
		{"channel_split", "text", "Each sales channel's share of the receiver's expected_demand, largest first, such as store 89%; instant 11%; empty for rebalancing and without demand."},
	}}

func init() { Outputs = append(Outputs, allocationFile) }

// lineID is stable for a plan date, kind, SKU, sender and receiver.
func lineID(prefix, date, sku, from, to string) string {
	h := sha256.Sum256([]byte(date + "\x00" + prefix + "\x00" + sku + "\x00" + from + "\x00" + to))
	return prefix + "-" + hex.EncodeToString(h[:6])
}

// WriteAllocation writes the allocations (every store that needs stock or
// gets some) and then the rebalancing transfers, for the plan date (ISO),
// as CSV, Parquet, JSON or JSON Lines by the extension of path.
func WriteAllocation(path, planDate string, allocs []allocation.Allocation, transfers []allocation.Transfer) error {
	return writeTable(path, &allocationFile, allocationRows(planDate, allocs, transfers))
}

// allocationRows are the allocation file's rows, values in column order.
func allocationRows(planDate string, allocs []allocation.Allocation, transfers []allocation.Transfer) [][]any {
	var rows [][]any
	for i := range allocs {
		a := &allocs[i]
		for j := range a.Qty {
			if a.Qty[j] <= 0 && a.Need[j] <= 0 {
				continue
			}
			rows = append(rows, []any{AllocationLineID(planDate, a, j), "allocation", a.SKU, a.DC, a.Stores[j],
				a.Qty[j], a.Need[j], a.OnHand[j], round4(a.ExpectedDemand[j]), round4(a.ExpectedSales[j]),
				round4(fill(a.ExpectedSales[j], a.ExpectedDemand[j])), a.Method, a.Reason(j), a.Exception, planDate, AllocationSchema,
				allocationSplit(a, j)})
		}
	}
	for _, t := range transfers {
		rows = append(rows, []any{lineID("RB", planDate, t.SKU, t.From, t.To), "rebalance", t.SKU, t.From, t.To,
			t.Qty, t.ToNeed, t.ToOnHand, round4(t.ToDemand), round4(t.ToSales), round4(fill(t.ToSales, t.ToDemand)),
			"rebalance", t.Reason, "", planDate, AllocationSchema, ""})
	}
	return rows
}

// allocationSplit is store j's channel split; empty when the allocation
// has none.
func allocationSplit(a *allocation.Allocation, j int) string {
	if j >= len(a.Channels) {
		return ""
	}
	return ChannelSplit(a.Channels[j])
}

func fill(sales, demand float64) float64 {
	if demand <= 0 {
		return 1
	}
	return sales / demand
}
