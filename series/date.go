package series

import (
	"fmt"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01. It carries no
// time of day and no zone: retail sales are booked per business day, and
// counting days keeps date arithmetic exact and allocation-free.
type Date int32

// epochWeekday is the weekday of 1970-01-01.
const epochWeekday = time.Thursday

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return DateFromYMD(y, m, d)
}

// DateFromYMD returns the Date of a year, month and day. Out-of-range months
// and days are normalised as time.Date does.
func DateFromYMD(year int, month time.Month, day int) Date {
	u := time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix()
	return Date(floorDiv(u, 86400))
}

// ParseDate reads an ISO 8601 calendar date (2006-01-02).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants in code and tests; it panics on a
// malformed date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats the day as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// AppendFormat appends the day as YYYY-MM-DD to b without allocating.
func (d Date) AppendFormat(b []byte) []byte {
	y, m, day := d.YMD()
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, int(m), 2)
	b = append(b, '-')
	return appendPadded(b, day, 2)
}

// YMD returns the year, month and day. It uses the civil-from-days algorithm
// of H. Hinnant ("chrono-Compatible Low-Level Date Algorithms"), which needs
// no tables and no time.Time.
func (d Date) YMD() (year int, month time.Month, day int) {
	z := int64(d) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mm > 12 {
		mm -= 12
	}
	if mm <= 2 {
		y++
	}
	return int(y), time.Month(mm), int(dd)
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday {
	return time.Weekday((int64(epochWeekday) + floorMod(int64(d), 7)) % 7)
}

// AddDays returns the day n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// DayOfYear returns the day within its year, 1 to 366.
func (d Date) DayOfYear() int {
	y, _, _ := d.YMD()
	return int(d-DateFromYMD(y, time.January, 1)) + 1
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func appendPadded(b []byte, v, width int) []byte {
	var buf [12]byte
	i := len(buf)
	neg := v < 0
	if neg {
		v = -v
	}
	for v > 0 || i == len(buf) {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	for len(buf)-i < width {
		i--
		buf[i] = '0'
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return append(b, buf[i:]...)
}
