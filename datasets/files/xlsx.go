package files

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet is the first sheet of a workbook, read whole: workbooks are small
// next to CSV extracts, and excelize's row iterator streams the XML.
type Sheet struct {
	Name    string
	Header  []string   // trimmed, trailing empty cells dropped
	Rows    [][]string // data rows, each padded to len(Header)
	RowNums []int64    // the sheet row number of each data row
	Empty   bool       // a header and no data rows
}

// ReadXLSX reads the first sheet of a workbook: the first non-blank row is
// the header, blank rows are skipped, and cells are read raw (numbers and
// dates as the workbook stores them).
func ReadXLSX(path string) (*Sheet, error) {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fileErrorf("unreadable_file", "%s: cannot open the workbook (%s); is it an .xlsx file?", path, plainError(err))
	}
	defer f.Close()
	return readXLSX(path, f)
}

// readXLSX reads an open workbook's first sheet; path names it in errors.
func readXLSX(path string, f *excelize.File) (*Sheet, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErrorf("unreadable_file", "%s: the workbook has no sheets", path)
	}
	s := &Sheet{Name: sheets[0]}
	rows, err := f.Rows(s.Name)
	if err != nil {
		return nil, fileErrorf("unreadable_file", "%s sheet %s: cannot be read (%s)", path, s.Name, plainError(err))
	}
	defer rows.Close()
	rowNum := int64(0)
	for rows.Next() {
		rowNum++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErrorf("unreadable_file", "%s sheet %s row %d: cannot be read (%s)", path, s.Name, rowNum, plainError(err))
		}
		if isBlank(cols) {
			continue
		}
		if s.Header == nil {
			for i := range cols {
				cols[i] = strings.TrimSpace(cols[i])
			}
			for len(cols) > 0 && cols[len(cols)-1] == "" {
				cols = cols[:len(cols)-1]
			}
			for i, c := range cols {
				if c == "" {
					return nil, fileErrorf("bad_header", "%s sheet %s row %d: column %d has no name; every column needs a header", path, s.Name, rowNum, i+1)
				}
			}
			if err := checkDuplicateColumns(path, cols); err != nil {
				return nil, err
			}
			s.Header = cols
			continue
		}
		row := make([]string, len(s.Header))
		copy(row, cols)
		s.Rows = append(s.Rows, row)
		s.RowNums = append(s.RowNums, rowNum)
	}
	if err := rows.Error(); err != nil {
		return nil, fileErrorf("unreadable_file", "%s sheet %s: cannot be read (%s)", path, s.Name, plainError(err))
	}
	if s.Header == nil {
		return nil, fileErrorf("empty_file", "%s: the sheet %s is empty; it needs a header row", path, s.Name)
	}
	s.Empty = len(s.Rows) == 0
	return s, nil
}

func isBlank(cols []string) bool {
	for _, c := range cols {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
