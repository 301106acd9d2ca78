package export

import (
	"io"
	"strings"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/fsutil"
)

// BacktestColumns are the columns of a backtest's per-series file.
var BacktestColumns = []string{"sku", "location", "channel", "model", "chosen", "mae", "rmse", "mase", "rmsse", "smape", "spl"}

// WriteBacktest writes one row per model and series: its errors averaged
// over the windows, as CSV, atomically.
func WriteBacktest(path string, r *forecast.BacktestResult) error {
	return fsutil.WriteFile(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Join(BacktestColumns, ",")+"\n"); err != nil {
			return err
		}
		buf := make([]byte, 0, 1<<16)
		for _, s := range r.Series {
			for _, f := range []string{s.Key.SKU, s.Key.Location, s.Key.Channel, s.Model, s.Chosen} {
				buf = append(buf, csvField(f)...)
				buf = append(buf, ',')
			}
			for k, v := range []float64{s.MAE, s.RMSE, s.MASE, s.RMSSE, s.SMAPE, s.SPL} {
				if k > 0 {
					buf = append(buf, ',')
				}
				if v == v { // NaN (no scale) stays empty
					buf = number(buf, v)
				}
			}
			buf = append(buf, '\n')
			var err error
			if buf, err = flushFull(w, buf); err != nil {
				return err
			}
		}
		_, err := w.Write(buf)
		return err
	})
}
