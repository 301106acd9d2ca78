package assortment

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
)

// Cluster groups stores by their sales mix (each row: a store's shares of
// its sales by category, or any profile of equal length) into k clusters
// by k-means: Lloyd's iterations from k-means++ seeds (Arthur and
// Vassilvitskii, "k-means++: the advantages of careful seeding", SODA
// 2007), the best of several seedings by the within-cluster sum of
// squares. The seed makes it deterministic. It returns each store's
// cluster (0 to k-1, numbered in the order of their first store) and the
// clusters' centres.
func Cluster(profiles [][]float64, k int, seed uint64) ([]int, [][]float64, error) {
	n := len(profiles)
	switch {
	case k < 1:
		return nil, nil, errors.New("the number of clusters must be at least 1")
	case n == 0:
		return nil, nil, errors.New("there are no stores to cluster")
	}
	k = min(k, n)
	dim := len(profiles[0])
	for _, p := range profiles {
		if len(p) != dim {
			return nil, nil, errors.New("every store's profile must have the same length")
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var bestLabels []int
	var bestCentres [][]float64
	bestSSE := math.Inf(1)
	for try := 0; try < 8; try++ {
		centres := seeds(profiles, k, rng)
		labels := make([]int, n)
		for iter := 0; iter < 100; iter++ {
			moved := false
			for i, p := range profiles {
				c := nearest(p, centres)
				if c != labels[i] || iter == 0 {
					moved = moved || c != labels[i]
					labels[i] = c
				}
			}
			for c := range centres {
				sum := make([]float64, dim)
				count := 0
				for i, p := range profiles {
					if labels[i] == c {
						floats.Add(sum, p)
						count++
					}
				}
				if count > 0 {
					floats.Scale(1/float64(count), sum)
					centres[c] = sum
				}
			}
			if !moved && iter > 0 {
				break
			}
		}
		var sse float64
		for i, p := range profiles {
			d := floats.Distance(p, centres[labels[i]], 2)
			sse += d * d
		}
		if sse < bestSSE-1e-12 {
			bestSSE, bestLabels, bestCentres = sse, labels, centres
		}
	}
	// Number the clusters in the order of their first store.
	order := map[int]int{}
	out := make([]int, n)
	var centres [][]float64
	for i, c := range bestLabels {
		if _, ok := order[c]; !ok {
			order[c] = len(order)
			centres = append(centres, bestCentres[c])
		}
		out[i] = order[c]
	}
	return out, centres, nil
}

// seeds picks k centres by k-means++: the first at random, each next one
// with a chance in proportion to its squared distance from the nearest
// centre so far.
func seeds(profiles [][]float64, k int, rng *rand.Rand) [][]float64 {
	centres := [][]float64{append([]float64(nil), profiles[rng.IntN(len(profiles))]...)}
	d2 := make([]float64, len(profiles))
	for len(centres) < k {
		var total float64
		for i, p := range profiles {
			d := floats.Distance(p, centres[nearest(p, centres)], 2)
			d2[i] = d * d
			total += d2[i]
		}
		next := rng.IntN(len(profiles))
		if total > 0 {
			u, acc := rng.Float64()*total, 0.0
			for i, v := range d2 {
				acc += v
				if u < acc {
					next = i
					break
				}
			}
		}
		centres = append(centres, append([]float64(nil), profiles[next]...))
	}
	return centres
}

func nearest(p []float64, centres [][]float64) int {
	best, bestD := 0, math.Inf(1)
	for c, centre := range centres {
		if d := floats.Distance(p, centre, 2); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// LikeStores fills in what each product would sell at the stores that do
// not carry it: the mean of what it sells at the stores of the same
// cluster that do, each scaled to the store's size (size is each store's
// total sales, or any measure of its scale), or of every store that does
// where none of the cluster does. demand holds, by store then product,
// the demand where the store carries the product and NaN where it does
// not; the cells filled stay NaN when no store carries the product. The
// result is a new table.
func LikeStores(demand [][]float64, size []float64, clusters []int) [][]float64 {
	out := make([][]float64, len(demand))
	for s := range demand {
		out[s] = append([]float64(nil), demand[s]...)
	}
	if len(demand) == 0 {
		return out
	}
	// Per cluster and product, the sum of the carrying stores' demand per
	// unit of size, and their number: a store that does not carry the
	// product is not among them, so its fill is their mean.
	// The last cluster's place holds every store.
	k := slices.Max(clusters) + 2
	all := k - 1
	n := len(demand[0])
	sum, count := make([][]float64, k), make([][]int, k)
	for c := range sum {
		sum[c], count[c] = make([]float64, n), make([]int, n)
	}
	for s, row := range demand {
		if !(size[s] > 0) {
			continue
		}
		c := clusters[s]
		for j, d := range row {
			if !math.IsNaN(d) {
				sum[c][j] += d / size[s]
				count[c][j]++
				sum[all][j] += d / size[s]
				count[all][j]++
			}
		}
	}
	for s, row := range out {
		c := clusters[s]
		for j, d := range row {
			switch {
			case !math.IsNaN(d):
			case count[c][j] > 0:
				row[j] = size[s] * sum[c][j] / float64(count[c][j])
			case count[all][j] > 0:
				row[j] = size[s] * sum[all][j] / float64(count[all][j])
			}
		}
	}
	return out
}
