package export

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOutputDocsMatchTheWriters(t *testing.T) {
	var names []string
	for _, c := range Outputs[0].Columns {
		names = append(names, c.Name)
	}
	assert.Equal(t, OrderColumns, names, "docs/schema.md documents every orders column, in order")
	assert.Contains(t, OutputsMarkdown(), "| `order_id` | text |")
}
