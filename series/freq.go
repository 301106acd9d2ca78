package series

import (
	"fmt"
	"strings"
	"time"
)

// Freq is the length of one period of a series: a day, a week or a month.
type Freq byte

// The frequencies a Panel can have. Weeks start on Monday (ISO 8601); months
// on their first day.
const (
	Daily   Freq = 'D'
	Weekly  Freq = 'W'
	Monthly Freq = 'M'
)

// ParseFreq reads D, W or M (case-insensitive; day, week and month too).
func ParseFreq(s string) (Freq, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "D", "DAY", "DAILY":
		return Daily, nil
	case "W", "WEEK", "WEEKLY":
		return Weekly, nil
	case "M", "MONTH", "MONTHLY":
		return Monthly, nil
	}
	return 0, fmt.Errorf("frequency %q is not one of D, W, M", s)
}

// String returns D, W or M.
func (f Freq) String() string {
	switch f {
	case Daily, Weekly, Monthly:
		return string(rune(f))
	}
	return fmt.Sprintf("Freq(%d)", byte(f))
}

// Valid reports whether f is one of Daily, Weekly or Monthly.
func (f Freq) Valid() bool { return f == Daily || f == Weekly || f == Monthly }

// PeriodStart returns the first day of the period that contains d.
func (f Freq) PeriodStart(d Date) Date {
	switch f {
	case Weekly:
		// Monday is weekday 1; shift so Monday maps to 0.
		back := (int(d.Weekday()) + 6) % 7
		return d - Date(back)
	case Monthly:
		y, m, _ := d.YMD()
		return DateFromYMD(y, m, 1)
	}
	return d
}

// Add returns the start of the period n periods after the one starting at
// start. start must be a period start.
func (f Freq) Add(start Date, n int) Date {
	switch f {
	case Weekly:
		return start + Date(7*n)
	case Monthly:
		y, m, _ := start.YMD()
		return DateFromYMD(y, m+time.Month(n), 1)
	}
	return start + Date(n)
}

// Between returns how many periods lie from the period containing a to the
// period containing b (negative when b is earlier).
func (f Freq) Between(a, b Date) int {
	switch f {
	case Weekly:
		return int(f.PeriodStart(b)-f.PeriodStart(a)) / 7
	case Monthly:
		ya, ma, _ := a.YMD()
		yb, mb, _ := b.YMD()
		return (yb-ya)*12 + int(mb-ma)
	}
	return int(b - a)
}

// SeasonLength returns the number of periods in the dominant seasonal cycle
// of retail demand at this frequency: a week of days, a year of weeks or a
// year of months.
func (f Freq) SeasonLength() int {
	switch f {
	case Weekly:
		return 52
	case Monthly:
		return 12
	}
	return 7
}

// Days returns the length of a period in days (30 for a month, on average
// 30.44).
func (f Freq) Days() int {
	switch f {
	case Weekly:
		return 7
	case Monthly:
		return 30
	}
	return 1
}

// PeriodsPerYear returns the average number of periods in a year.
func (f Freq) PeriodsPerYear() float64 {
	switch f {
	case Weekly:
		return 365.25 / 7
	case Monthly:
		return 12
	}
	return 365.25
}
