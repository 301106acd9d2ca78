package export

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

func sampleResult(t *testing.T) *forecast.Result {
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "A", Location: "S1", Channel: "store"}, series.MustParseDate("2024-01-01"), []float64{3, 4, 5, 4, 3, 4, 5, 4})
	p.Append(series.Key{SKU: "B,2", Location: "S1", Channel: "online"}, series.MustParseDate("2024-01-03"), []float64{0, 1, 0, 0, 2, 0})
	r, err := forecast.Run(context.Background(), p, forecast.Options{Horizon: 3, Model: forecast.Naive{}, Quantiles: []float64{0.025, 0.5, 0.9}})
	require.NoError(t, err)
	return r
}

func TestWriteForecastsCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.csv")
	require.NoError(t, WriteForecasts(path, sampleResult(t)))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	// A's naive spread is 1 (every change is +-1), so the variance (1, 2, 3
	// over the steps) never exceeds the mean 4 and the count quantiles are
	// Poisson(4)'s mid-quantiles: P(X<=0)=0.0183, P(X=1)=0.0733 put 2.5%
	// at 0.5 + (0.025-0.0183)/0.0733; P(X<=3)=0.4335, P(X=4)=0.1954 the
	// median at 3.5 + 0.0665/0.1954; P(X<=6)=0.8893, P(X=7)=0.0595 90% at
	// 6.5 + 0.0107/0.0595.
	want := "sku,location,date,model,mean,p2_5,p50,p90,channel,override\n" +
		"A,S1,2024-01-09,Naive,4,0.5912,3.8405,6.6793,store,\n" +
		"A,S1,2024-01-10,Naive,4,0.5912,3.8405,6.6793,store,\n" +
		"A,S1,2024-01-11,Naive,4,0.5912,3.8405,6.6793,store,\n" +
		"\"B,2\",S1,2024-01-09,Naive,0,0,0,0,online,\n" +
		"\"B,2\",S1,2024-01-10,Naive,0,0,0,0,online,\n" +
		"\"B,2\",S1,2024-01-11,Naive,0,0,0,0,online,\n"
	assert.Equal(t, want, string(got))
}

func TestWriteForecastsParquetReadsBackInDuckDB(t *testing.T) {
	r := sampleResult(t)
	path := filepath.Join(t.TempDir(), "f.parquet")
	require.NoError(t, WriteForecasts(path, r))
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	var n int
	var sum float64
	var first string
	require.NoError(t, db.QueryRow("SELECT count(*), sum(mean), min(date)::VARCHAR FROM read_parquet(?)", path).Scan(&n, &sum, &first))
	assert.Equal(t, 6, n)
	assert.InDelta(t, 12, sum, 1e-9)
	assert.Equal(t, "2024-01-09", first)
	var cols []string
	rows, err := db.Query("SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))", path)
	require.NoError(t, err)
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	assert.Equal(t, ForecastColumns(r.Quantiles), cols)
}

func TestWriteForecastsRefusesOtherExtensions(t *testing.T) {
	err := WriteForecasts(filepath.Join(t.TempDir(), "f.xlsx"), sampleResult(t))
	assert.ErrorContains(t, err, "write forecasts to a .csv or .parquet file")
	err = WriteForecasts(filepath.Join(t.TempDir(), "missing", "f.csv"), sampleResult(t))
	assert.ErrorContains(t, err, "cannot write")
}

func TestForecastsWithNaNOrInfinityAreNotWritten(t *testing.T) {
	r := sampleResult(t)
	r.Q[(1*r.Horizon+2)*len(r.Quantiles)+1] = math.Inf(1) // B,2's p50 on its third day
	path := filepath.Join(t.TempDir(), "f.csv")
	err := WriteForecasts(path, r)
	assert.EqualError(t, err, path+": forecasts row 6 (B,2, S1, 2024-01-11), column p50: the value +Inf is not a finite number; nothing was written")
	assert.NoFileExists(t, path)
}
