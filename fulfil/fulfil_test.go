package fulfil

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitGivesEachCandidateItsShareOfWhatIsLeft(t *testing.T) {
	shares, uncovered := Split([]Candidate{{"WEB", 0.8}, {"S1", 0.5}, {"S2", 1}})
	assert.Equal(t, []float64{0.8, 0.2, 0}, roundAll(shares))
	assert.Equal(t, 0.0, uncovered)
	shares, uncovered = Split([]Candidate{{"S1", 0.3}, {"S2", 0.3}})
	assert.Equal(t, []float64{0.3, 0.3}, roundAll(shares))
	assert.InDelta(t, 0.4, uncovered, 1e-12)
}

func TestOrdersACandidateCannotFillFallToTheNext(t *testing.T) {
	cands := []Candidate{{"WEB", 0.8}, {"S1", 1}}
	stock := []float64{5, 10}
	d := Serve(10, cands, stock)
	// WEB is offered 8 and has 5: 3 fall to S1, which also takes its 2.
	assert.Equal(t, []float64{5, 5}, d.Served)
	assert.Equal(t, []float64{0, 3}, d.FellThrough)
	assert.Equal(t, 0.0, d.Lost)
	assert.Equal(t, []float64{0, 5}, stock)
	d = Serve(10, cands, stock)
	assert.Equal(t, []float64{0, 5}, d.Served)
	assert.Equal(t, 5.0, d.Lost)
}

func TestAShareNoRuleCoversIsLost(t *testing.T) {
	d := Serve(10, []Candidate{{"S1", 0.6}}, []float64{100})
	assert.Equal(t, []float64{6}, d.Served)
	assert.InDelta(t, 4, d.Lost, 1e-12)
}

func TestCheckRefusesAShareOutsideZeroToOne(t *testing.T) {
	require.NoError(t, Check([]Candidate{{"S1", 1}}))
	assert.ErrorContains(t, Check([]Candidate{{"S1", 0}}), "candidate S1: max_share 0 must be above 0 and at most 1")
	assert.Error(t, Check([]Candidate{{"S1", 1.5}}))
}

func roundAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(int(x*1e9+0.5)) / 1e9
	}
	return out
}
