package datasets

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/planner-engine/planner/internal/csvcell"
)

// ProblemsCSVHeader is the header of the problems file (problems.csv in a
// run folder, and planner validate --format csv).
var ProblemsCSVHeader = []string{"severity", "code", "table", "file", "line", "column", "value", "message", "hint", "count"}

// WriteProblemsCSV writes problems as CSV with ProblemsCSVHeader.
func WriteProblemsCSV(w io.Writer, ps Problems) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ProblemsCSVHeader); err != nil {
		return err
	}
	for _, p := range ps {
		line, count := "", ""
		if p.Line > 0 {
			line = strconv.FormatInt(p.Line, 10)
		}
		if p.Count > 0 {
			count = strconv.FormatInt(p.Count, 10)
		}
		// The value and the column come from the user's file: a cell that
		// a spreadsheet would run is escaped (csvcell), as every text is.
		rec := []string{string(p.Severity), p.Code, p.Table, p.File, line, p.Column, p.Value, p.Message, p.Hint, count}
		for i := range rec {
			rec[i] = csvcell.Escape(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
