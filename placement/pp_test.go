package placement

import (
	"testing"
	"time"
)

func TestProbeSpeed(t *testing.T) {
	for _, sz := range [][3]int{{1000, 50, 12}} {
		net, skus := benchInstance(sz[0], sz[1], sz[2])
		t0 := time.Now()
		free, _ := Place(net, skus, policy)
		t1 := time.Since(t0)
		for n := range net.Nodes {
			net.Nodes[n].Capacity = 0.7 * free.Usage[n]
		}
		t0 = time.Now()
		Place(net, skus, policy)
		t.Logf("%v: free %v capped %v", sz, t1, time.Since(t0))
	}
}
