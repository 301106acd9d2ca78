package files

import (
	"fmt"
	"strings"
	"time"
)

// DateFormat is a date layout in both strftime form (DuckDB reads dates
// with it) and Go's (for checking samples).
type DateFormat struct{ Strftime, Layout string }

// dateFormats are the layouts recognised, most common first. Day-first and
// month-first slash dates are both tried; where samples fit both, day-first
// wins and the loader warns.
var dateFormats = []DateFormat{
	{"%Y-%m-%d", "2006-01-02"},
	{"%Y/%m/%d", "2006/01/02"},
	{"%d/%m/%Y", "02/01/2006"},
	{"%m/%d/%Y", "01/02/2006"},
	{"%d.%m.%Y", "02.01.2006"},
	{"%d-%m-%Y", "02-01-2006"},
	{"%Y%m%d", "20060102"},
	{"%Y-%m-%d %H:%M:%S", "2006-01-02 15:04:05"},
	{"%Y-%m-%dT%H:%M:%S", "2006-01-02T15:04:05"},
	{"%Y-%m-%d %H:%M", "2006-01-02 15:04"},
	// Point-of-sale times as spreadsheets write them: day or month first,
	// without leading zeros.
	{"%d/%m/%Y %H:%M", "2/1/2006 15:04"},
	{"%m/%d/%Y %H:%M", "1/2/2006 15:04"},
	{"%d/%m/%Y %H:%M:%S", "2/1/2006 15:04:05"},
	{"%m/%d/%Y %H:%M:%S", "1/2/2006 15:04:05"},
	{"%d.%m.%Y %H:%M", "2.1.2006 15:04"},
}

// SniffDateFormat returns the first layout that reads every non-empty
// sample, or the one that reads most of them, and whether day and month
// order was ambiguous in the samples.
func SniffDateFormat(samples []string) (f DateFormat, ambiguous bool) {
	best, bestN := dateFormats[0], -1
	fits := map[string]bool{}
	for _, df := range dateFormats {
		n := 0
		for _, s := range samples {
			if _, err := time.Parse(df.Layout, strings.TrimSpace(s)); err == nil {
				n++
			}
		}
		fits[df.Strftime] = n == len(samples)
		if n > bestN {
			best, bestN = df, n
		}
	}
	ambiguous = len(samples) > 0 && (fits["%d/%m/%Y"] && fits["%m/%d/%Y"] ||
		fits["%d/%m/%Y %H:%M"] && fits["%m/%d/%Y %H:%M"] || fits["%d/%m/%Y %H:%M:%S"] && fits["%m/%d/%Y %H:%M:%S"])
	return best, ambiguous
}

// LookupDateFormat accepts a strftime layout from the user, or one of the
// recognised layouts' Go spelling.
func LookupDateFormat(s string) (DateFormat, error) {
	for _, df := range dateFormats {
		if s == df.Strftime || s == df.Layout {
			return df, nil
		}
	}
	if strings.Contains(s, "%") {
		return DateFormat{Strftime: s}, nil
	}
	return DateFormat{}, fmt.Errorf("date format %q is not a strftime layout such as %%d/%%m/%%Y", s)
}
