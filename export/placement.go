package export

import (
	"math"
	"strings"

	"github.com/planner-engine/planner/placement"
	"github.com/planner-engine/planner/series"
)

// PlacementSchema is the placement file's layout and version.
const PlacementSchema = "placement/1"

var placementFile = OutputFile{Name: "placement", Schema: PlacementSchema,
	Doc: "Stock placement (`planner place`, or `planner run` with a place section): one row per SKU and fulfilment node (a location with " +
		"lanes to zones): whether the node holds the SKU, the stock it targets, the zones it serves and why. A slow, erratic mover is held " +
		"centrally, where one stock pools every zone's demand; a fast mover forward, near the zones it saves delivery to; demand a channel " +
		"promises faster than any holding node reaches is lost. CSV, Parquet, JSON (one array) or JSON Lines by the file's extension.",
	Columns: []OutputColumn{
		{"date", "date", "The day the placement is planned from: the day after the history."},
		{"sku", "text", "Product."},
		{"node", "text", "Fulfilment node: a DC, forward warehouse or store with lanes to zones."},
		{"hold", "text", "yes when the node holds the SKU, no when it does not."},
		{"target_stock", "number", "Stock the node targets: its demand over the cover days plus safety stock for the demand it pools; 0 when it does not hold the SKU."},
		{"units_per_day", "number", "Mean daily demand the node serves."},
		{"on_hand", "number", "Units of the SKU the node holds today (the latest inventory), beside the target: where the stock is against where its demand is served from."},
		{"zones_served", "text", "Zones the node serves the SKU to, separated by semicolons; empty when none."},
		{"service_hours", NullableNumber, "Mean delivery time of the demand the node serves, weighted by the demand; empty when it serves none."},
		{"reason", "text", "Why, in words."},
		schemaColumn,
	}}

func init() { Outputs = append(Outputs, placementFile) }

// WritePlacement writes every SKU at every node, planned on day, with the
// node's stock on hand today (onHand: 0 where it holds none).
func WritePlacement(path string, day series.Date, lines []placement.Line, onHand func(sku, node string) float64) error {
	rows := make([][]any, len(lines))
	for i := range lines {
		l := &lines[i]
		hold := "no"
		if l.Hold {
			hold = "yes"
		}
		var hours any
		if !math.IsNaN(l.Hours) {
			hours = round2(l.Hours)
		}
		rows[i] = []any{day.String(), l.SKU, l.Node, hold, round2(l.Target), round4(l.Units), onHand(l.SKU, l.Node), strings.Join(l.Zones, ";"), hours, l.Reason, PlacementSchema}
	}
	return writeTable(path, &placementFile, rows)
}
