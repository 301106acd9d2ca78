package export

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

func TestWriteModelsSaysWhyAutoChoseEachModel(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	regular := make([]float64, 120)
	sparse := make([]float64, 120)
	for i := range regular {
		regular[i] = float64(10 + i%7)
		if i%9 == 0 {
			sparse[i] = 3
		}
	}
	p.Append(series.Key{SKU: "A", Location: "S1"}, series.MustParseDate("2024-01-01"), regular)
	p.Append(series.Key{SKU: "B", Location: "S1"}, series.MustParseDate("2024-01-01"), sparse)
	p.Append(series.Key{SKU: "C", Location: "S1"}, series.MustParseDate("2024-01-01"), nil)
	r, err := forecast.Run(context.Background(), p, forecast.Options{Horizon: 7})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "models.csv")
	require.NoError(t, WriteModels(path, r))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, ModelColumns, rows[0])
	assert.Equal(t, "smooth", rows[1][4])
	assert.Contains(t, rows[1][5], "RMSE over 4 windows")
	assert.Equal(t, "intermittent", rows[2][4])
	assert.Equal(t, "Croston(SBA)", rows[2][3], "the intermittent series' smallest out-of-sample error")
	assert.Contains(t, rows[2][5], "croston_sba")
	// No history: a zero forecast, and the note says so.
	assert.Equal(t, "Zero", rows[3][3])
	assert.Equal(t, "no history: forecast zero", rows[3][6])
}
