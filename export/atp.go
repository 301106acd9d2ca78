package export

import (
	"github.com/planner-engine/planner/atp"
	"github.com/planner-engine/planner/series"
)

// ATPSchema is the available-to-promise file's layout and version.
const ATPSchema = "atp/1"

var atpFile = OutputFile{Name: "atp", Schema: ATPSchema,
	Doc: "Available to promise (`planner run` with an atp section): one row per location, SKU and channel that sells there: the units " +
		"the channel may promise on the day of the row of the location's stock, which every channel shares. Units are kept from a " +
		"channel for the channels whose lost sale costs more (their demand's quantile, Littlewood's rule) and for other channels' reserves; " +
		"a channel's share cap limits it. CSV, Parquet, JSON (one array) or JSON Lines by the file's extension.",
	Columns: []OutputColumn{
		{"date", "date", "The day the promises are for: the day after the history."},
		{"location", "text", "Location whose stock is promised."},
		{"sku", "text", "Product."},
		{"channel", "text", "Sales channel."},
		{"stock", "number", "Whole units free to promise at the location: on hand less backorders and units already promised."},
		{"promise", "number", "Units the channel may promise."},
		{"kept", "number", "Units kept from the channel: stock less promise."},
		{"reason", "text", "What kept them, in words."},
		schemaColumn,
	}}

func init() { Outputs = append(Outputs, atpFile) }

// WriteATP writes what each channel may promise on day.
func WriteATP(path string, day series.Date, lines []atp.Line) error {
	rows := make([][]any, len(lines))
	for i := range lines {
		l := &lines[i]
		rows[i] = []any{day.String(), l.Location, l.SKU, l.Channel, l.Stock, l.Promise, l.Kept, l.Reason, ATPSchema}
	}
	return writeTable(path, &atpFile, rows)
}
