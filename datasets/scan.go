package datasets

import (
	"fmt"
	"time"

	"github.com/planner-engine/planner/series"
)

// dateScan reads a nullable DATE column into a series.Date.
type dateScan struct {
	Date  series.Date
	Valid bool
}

// Scan implements sql.Scanner.
func (d *dateScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		d.Valid = false
	case time.Time:
		d.Date, d.Valid = series.DateOf(x.UTC()), true
	default:
		return fmt.Errorf("cannot read %T as a date", v)
	}
	return nil
}
