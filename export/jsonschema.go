package export

import (
	"encoding/json"
)

// JSONSchema describes one line of the file (a CSV row, a JSON Lines
// object, an element of a JSON array, a line of a push request) as a JSON
// Schema (draft 2020-12), for ERPs that validate what they import.
// Numbers are numbers, dates ISO 8601 strings; every documented column is
// required and more may follow, as columns are only ever added.
func (f *OutputFile) JSONSchema() ([]byte, error) {
	type prop struct {
		Type        any    `json:"type"`
		Format      string `json:"format,omitempty"`
		Const       string `json:"const,omitempty"`
		Description string `json:"description"`
	}
	props := map[string]prop{}
	required := make([]string, 0, len(f.Columns))
	for _, c := range f.Columns {
		p := prop{Type: "string", Description: c.Doc}
		switch c.Type {
		case "number", "integer":
			p.Type = c.Type
		case NullableNumber:
			p.Type = []string{"number", "null"}
		case "date":
			// Empty when the line has no such date (a receipt date of an
			// order not placed).
			p.Description += " ISO 8601 (YYYY-MM-DD), or empty."
		}
		if c.Name == schemaColumn.Name {
			p.Const = f.Schema
		}
		props[c.Name] = p
		required = append(required, c.Name)
	}
	doc := struct {
		Schema      string          `json:"$schema"`
		ID          string          `json:"$id"`
		Title       string          `json:"title"`
		Description string          `json:"description"`
		Type        string          `json:"type"`
		Properties  map[string]prop `json:"properties"`
		Required    []string        `json:"required"`
	}{"https://json-schema.org/draft/2020-12/schema", "planner:" + f.Schema, "planner " + f.Name + " line (" + f.Schema + ")",
		f.Doc, "object", props, required}
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), err
}
