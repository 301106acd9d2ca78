package assortment

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Three kinds of store (a grocery-heavy, a home-heavy and a balanced
// mix), twelve of each with noise: the clusters are the kinds.
func TestClustersFindTheKindsOfStore(t *testing.T) {
	kinds := [][]float64{{0.7, 0.1, 0.1, 0.1}, {0.2, 0.1, 0.6, 0.1}, {0.25, 0.25, 0.25, 0.25}}
	rng := rand.New(rand.NewPCG(1, 2))
	var profiles [][]float64
	var truth []int
	for s := 0; s < 36; s++ {
		k := s % 3
		p := make([]float64, 4)
		for j := range p {
			p[j] = kinds[k][j] + 0.03*rng.NormFloat64()
		}
		profiles = append(profiles, p)
		truth = append(truth, k)
	}
	labels, centres, err := Cluster(profiles, 3, 7)
	require.NoError(t, err)
	require.Len(t, centres, 3)
	// The same partition as the truth, whatever the clusters' numbers.
	match := map[int]int{}
	for i, l := range labels {
		if m, ok := match[truth[i]]; ok {
			assert.Equal(t, m, l, "store %d", i)
		} else {
			match[truth[i]] = l
		}
	}
	assert.Len(t, match, 3)
	again, _, err := Cluster(profiles, 3, 7)
	require.NoError(t, err)
	assert.Equal(t, labels, again, "deterministic")
	assert.Equal(t, 0, labels[0], "numbered by first store")
}

func TestClusterRefusesWhatItCannotCluster(t *testing.T) {
	_, _, err := Cluster(nil, 2, 1)
	assert.EqualError(t, err, "there are no stores to cluster")
	_, _, err = Cluster([][]float64{{1}}, 0, 1)
	assert.EqualError(t, err, "the number of clusters must be at least 1")
	_, _, err = Cluster([][]float64{{1, 2}, {1}}, 1, 1)
	assert.EqualError(t, err, "every store's profile must have the same length")
	labels, _, err := Cluster([][]float64{{1}, {2}}, 5, 1)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1}, labels, "no more clusters than stores")
}

// A product one store does not carry sells there what it sells per unit
// of size at the stores of its cluster that do; a store of another
// cluster does not count, unless none of the cluster carries it.
func TestLikeStoresFillWhatAStoreDoesNotCarry(t *testing.T) {
	nan := math.NaN()
	demand := [][]float64{
		{10, nan}, // store 0, half the size of store 1
		{20, 8},
		{30, 12}, // store 2: another cluster
		{5, nan}, // store 3: alone in its cluster with the product
	}
	size := []float64{100, 200, 300, 50}
	got := LikeStores(demand, size, []int{0, 0, 1, 2})
	assert.InDelta(t, 4, got[0][1], 1e-12, "8 per 200 of size, at 100")
	// (8/200 + 12/300) / 2 per unit of size, at 50.
	assert.InDelta(t, 2, got[3][1], 1e-12, "no store of its cluster carries it: every store that does")
	assert.True(t, math.IsNaN(demand[0][1]), "the input is left as it was")
	assert.Equal(t, 20.0, got[1][0])
	got = LikeStores([][]float64{{1, nan}, {2, nan}}, []float64{1, 1}, []int{0, 1})
	assert.True(t, math.IsNaN(got[0][1]), "no store carries it")
}
