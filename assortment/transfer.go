package assortment

import (
	"errors"
	"math"
)

// DefaultTransfer is the share of a product's demand taken to move to its
// substitutes when the history has too few periods without it to say:
// about the share of shoppers who, facing an out-of-stock, buy another
// brand or another size or variety of the same brand (Gruen, Corsten and
// Bharadwaj, "Retail out-of-stocks: a worldwide examination of extent,
// causes and consumer responses", Grocery Manufacturers of America 2002).
const DefaultTransfer = 0.45

// MinMissingPeriods is the fewest periods without the product that an
// estimate of its transfer share needs; with fewer, DefaultTransfer.
const MinMissingPeriods = 4

// TransferObs is one period at one store of a product's substitution
// group: Missing is the demand the product would have had when it could
// not be bought (not carried, or out of stock; 0 when it could), and
// Excess is what its substitutes sold beyond their usual sales.
type TransferObs struct {
	Missing, Excess float64
}

// Transfer is an estimated transfer share.
type Transfer struct {
	// Share is the estimate, within 0 to 1; SE its standard error (NaN
	// with the default).
	Share, SE float64
	// Periods counts the periods without the product the estimate rests
	// on; Default says the history was too thin and Share is
	// DefaultTransfer.
	Periods int
	Default bool
}

// EstimateTransfer estimates the share of a product's demand that moves
// to its substitutes when it cannot be bought: the least-squares slope,
// through the origin, of the substitutes' excess sales on the product's
// missing demand (Excess = share × Missing + noise), over every period,
// with its standard error; the periods with the product available anchor
// the substitutes' usual sales at no excess. A share outside 0 to 1 is
// cut to it.
func EstimateTransfer(obs []TransferObs) (Transfer, error) {
	var sxx, sxy float64
	missing := 0
	for _, o := range obs {
		if math.IsNaN(o.Missing) || math.IsNaN(o.Excess) || o.Missing < 0 {
			return Transfer{}, errors.New("a period's missing demand must be a number of 0 or more, and its excess a number")
		}
		if o.Missing > 0 {
			missing++
		}
		sxx += o.Missing * o.Missing
		sxy += o.Missing * o.Excess
	}
	if missing < MinMissingPeriods || sxx == 0 {
		return Transfer{Share: DefaultTransfer, SE: math.NaN(), Periods: missing, Default: true}, nil
	}
	share := sxy / sxx
	// The standard error robust to a residual's size changing with the
	// missing demand and to the periods of one run without the product
	// sharing their errors (their usual sales are taken over the same
	// window): clustered by run (Liang and Zeger, "Longitudinal data
	// analysis using generalized linear models", Biometrika 1986), with
	// the small-sample factor G/(G-1) for G runs.
	var meat, run float64
	runs := 0
	for i, o := range obs {
		if o.Missing > 0 {
			run += o.Missing * (o.Excess - share*o.Missing)
		}
		if o.Missing > 0 && (i+1 == len(obs) || obs[i+1].Missing == 0) {
			meat += run * run
			run = 0
			runs++
		}
	}
	se := math.NaN()
	if runs > 1 {
		se = math.Sqrt(meat*float64(runs)/float64(runs-1)) / sxx
	}
	return Transfer{Share: math.Min(1, math.Max(0, share)), SE: se, Periods: missing}, nil
}

// PriorSpread is how far a product's transfer share is taken to be, as a
// standard deviation, from the share of its section before its history
// says more: the spread of the shares shoppers report across categories
// (about 0.3 to 0.7, Gruen, Corsten and Bharadwaj 2002).
const PriorSpread = 0.2

// Shrunk is the share to plan with: the estimate and the prior (the
// section's share) weighted by their precisions (a normal prior of
// spread PriorSpread and the estimate's standard error), so that an
// estimate resting on a few noisy periods moves the share little and a
// precise one decides it. A default estimate, or one without a standard
// error (a single run without the product), is the prior.
func (t Transfer) Shrunk(prior float64) float64 {
	switch {
	case t.Default || math.IsNaN(t.SE):
		return prior
	case t.SE == 0:
		return t.Share
	}
	wEst, wPrior := 1/(t.SE*t.SE), 1/(PriorSpread*PriorSpread)
	return (wEst*t.Share + wPrior*prior) / (wEst + wPrior)
}
