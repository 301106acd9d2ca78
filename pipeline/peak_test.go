package pipeline

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// The peak section plans the calendar's next peak within its weeks
// ahead, or the one it names; the forecast's horizon runs through that
// peak's first week.
func TestNextPeakAndTheHorizonItNeeds(t *testing.T) {
	ctx := context.Background()
	sales := &series.Panel{Freq: series.Daily}
	sales.Append(series.Key{SKU: "A", Location: "S1", Channel: "store"}, series.MustParseDate("2025-09-01"), make([]float64, 30)) // to 2025-09-30
	src := &Memory{Sales: sales, Calendar: []series.Event{
		{Date: series.MustParseDate("2025-10-01"), Name: "Payday", Kind: "payday", Region: "*"},
		{Date: series.MustParseDate("2025-11-11"), Name: "Singles' Day", Kind: series.PeakKind, Region: "*"},
		{Date: series.MustParseDate("2026-06-18"), Name: "Anniversary Sale", Kind: series.PeakKind, Region: "*"},
	}}
	cfg := config.DefaultPeak()
	o, err := NextPeak(ctx, src, series.MustParseDate("2025-10-01"), cfg)
	require.NoError(t, err)
	require.NotNil(t, o)
	assert.Equal(t, series.Occurrence{Type: "singles_day", First: series.MustParseDate("2025-11-11"), Last: series.MustParseDate("2025-11-11"), Region: "*"}, *o)

	fc := config.DefaultForecast()
	h, o, err := PeakHorizon(ctx, src, fc, &cfg)
	require.NoError(t, err)
	require.NotNil(t, o)
	assert.Equal(t, 48, h, "1 October to 17 November: through the peak's first week")
	h, o, err = PeakHorizon(ctx, src, fc, nil)
	require.NoError(t, err)
	assert.Nil(t, o)
	assert.Equal(t, 28, h, "no peak section: the section's horizon")

	cfg.WeeksAhead = 5 // 11 November is six weeks out
	o, err = NextPeak(ctx, src, series.MustParseDate("2025-10-01"), cfg)
	require.NoError(t, err)
	assert.Nil(t, o)

	cfg.Event, cfg.Date = "Black Friday", "2025-11-28" // not in the calendar: one day, everywhere
	o, err = NextPeak(ctx, src, series.MustParseDate("2025-10-01"), cfg)
	require.NoError(t, err)
	assert.Equal(t, series.Occurrence{Type: "black_friday", First: series.MustParseDate("2025-11-28"), Last: series.MustParseDate("2025-11-28"), Region: "*"}, *o)
}
