package synth

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPlansAreConsistentForManySeeds checks, over many retailers, what the
// loader would reject: price intervals and promotions that end before they
// start or outlive their product, and overlapping promotions.
func TestPlansAreConsistentForManySeeds(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		cfg, err := Config{Stores: 2, SKUs: 80, Days: 400, Horizon: 91, Seed: seed}.withDefaults()
		require.NoError(t, err)
		r := buildRetailer(cfg)
		for i, changes := range r.prices {
			p := r.products[i]
			for k, c := range changes {
				if k > 0 {
					require.Greater(t, c.from, changes[k-1].from, "seed %d %s: price changes in order", seed, p.sku)
				}
				if p.end != 0 {
					require.LessOrEqual(t, c.from, p.end, "seed %d %s: price change after the product ends", seed, p.sku)
				}
			}
		}
		last := map[int]promo{}
		for _, pr := range r.promos {
			require.LessOrEqual(t, pr.start, pr.end)
			if p := r.products[pr.product]; p.end != 0 {
				require.LessOrEqual(t, pr.end, p.end, "seed %d %s: promotion after the product ends", seed, p.sku)
			}
			if prev, ok := last[pr.product]; ok {
				require.Greater(t, pr.start, prev.end, "seed %d: promotions of one product overlap", seed)
			}
			last[pr.product] = pr
		}
	}
}
