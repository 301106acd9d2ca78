package study

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/pipeline/config"
)

// On a small synthetic retailer whose products run out now and then,
// moving their true share of demand to their subcategory, the ranges
// the planner chooses from its own forecasts and estimated shares earn,
// on the true demand and transfer, at least 95% of what the oracle's
// earn, and more than carrying what fits by sales rank.
func TestThePlannersRangesEarnNearTheOracle(t *testing.T) {
	fc := config.DefaultForecast()
	fc.Models = "ets"
	cfg := config.DefaultAssort()
	res, err := Run(context.Background(), t.TempDir(),
		synth.Config{Stores: 4, SKUs: 80, Days: 730, Horizon: 28, Channels: []string{synth.ChannelStore}, Stockouts: 8, Seed: 5}, fc, cfg)
	require.NoError(t, err)
	t.Logf("%d shelves: planner %.0f, oracle %.0f (%.1f%%), by sales rank %.0f (%.1f%%)", res.Shelves, res.Planner, res.Oracle,
		100*res.Planner/res.Oracle, res.ByRank, 100*res.ByRank/res.Oracle)
	assert.GreaterOrEqual(t, res.Planner, 0.95*res.Oracle)
	assert.Greater(t, res.Planner, res.ByRank)
	assert.Len(t, res.Shares, 80)
}
