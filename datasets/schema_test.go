package datasets

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchemaDocIsCurrent keeps docs/schema.md's inputs equal to the schema
// in code (the output files follow; cmd/planner checks the whole file).
func TestSchemaDocIsCurrent(t *testing.T) {
	got, err := os.ReadFile("../docs/schema.md")
	require.NoError(t, err)
	if !strings.HasPrefix(string(got), SchemaMarkdown()) {
		t.Fatal("docs/schema.md is stale: run make docs")
	}
}

func TestSchemaIsConsistent(t *testing.T) {
	for _, tb := range Tables {
		assert.NotEmpty(t, tb.KeyColumns(), "%s has a key", tb.Name)
		seen := map[string]bool{}
		for _, c := range tb.Columns {
			assert.False(t, seen[c.Name], "%s.%s twice", tb.Name, c.Name)
			seen[c.Name] = true
			assert.NotEmpty(t, c.Doc, "%s.%s is documented", tb.Name, c.Name)
			if c.Ref != nil {
				target := TableNamed(c.Ref.Table)
				require.NotNil(t, target, "%s.%s refers to a table", tb.Name, c.Name)
				assert.NotNil(t, target.Column(c.Ref.Column))
			}
			if c.Key && !c.Required {
				assert.NotEmpty(t, c.Default, "optional key column %s.%s needs a default", tb.Name, c.Name)
			}
		}
	}
	raw, err := SchemaJSON()
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(raw), `"name": "on_hand"`))
	// The DDL of every table runs.
	s := openMemory(t)
	for _, tb := range Tables {
		_, err := s.DB().ExecContext(context.Background(), tb.DDL("check_"+tb.Name))
		require.NoError(t, err)
	}
}

func TestEveryTableHasAJSONSchemaOfItsRows(t *testing.T) {
	for _, tb := range Tables {
		raw, err := tb.JSONSchema()
		require.NoError(t, err)
		var s struct {
			Title      string
			Properties map[string]struct {
				Type             string
				Minimum          *float64
				ExclusiveMinimum *float64
				Maximum          *float64
				Enum             []string
			}
			Required []string
		}
		require.NoError(t, json.Unmarshal(raw, &s))
		assert.Equal(t, tb.Name, s.Title)
		require.Len(t, s.Properties, len(tb.Columns), tb.Name)
		var required []string
		for _, c := range tb.Columns {
			if c.Required {
				required = append(required, c.Name)
			}
		}
		assert.Equal(t, required, s.Required, tb.Name)
	}
	raw, err := Lanes.JSONSchema()
	require.NoError(t, err)
	var lanes struct {
		Properties map[string]struct {
			Type             string
			ExclusiveMinimum *float64
			Minimum          *float64
		}
	}
	require.NoError(t, json.Unmarshal(raw, &lanes))
	assert.Equal(t, "number", lanes.Properties["lead_time_hours"].Type)
	require.NotNil(t, lanes.Properties["lead_time_hours"].ExclusiveMinimum)
	require.NotNil(t, lanes.Properties["cost_per_unit"].Minimum)
	raw, err = Locations.JSONSchema()
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"forward"`)
}
