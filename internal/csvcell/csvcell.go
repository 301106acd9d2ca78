// Package csvcell keeps text that a spreadsheet would run as a formula
// from running when a CSV file the planner wrote is opened: a cell that
// starts with =, +, -, @, a tab or a carriage return is written with a
// leading apostrophe (OWASP, "CSV Injection"), which spreadsheets show as
// text. The planner's own readers of its files take the apostrophe off
// again, so an ERP receives the value as it was.
package csvcell

// triggers are the first characters a spreadsheet reads as the start of
// a formula.
const triggers = "=+-@\t\r"

// Escape returns the text as a CSV cell must hold it. Text that already
// starts with apostrophes before a trigger gets one more, so that
// Unescape gives it back exactly.
func Escape(s string) string {
	if runsAfterApostrophes(s) {
		return "'" + s
	}
	return s
}

// Unescape returns the text a cell written by Escape held.
func Unescape(s string) string {
	if len(s) > 1 && s[0] == '\'' && runsAfterApostrophes(s[1:]) {
		return s[1:]
	}
	return s
}

// runsAfterApostrophes says whether the text, past any apostrophes it
// starts with, starts with a trigger.
func runsAfterApostrophes(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && contains(triggers, s[i])
}

func contains(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}
