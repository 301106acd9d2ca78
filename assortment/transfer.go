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
	var rss float64
	for _, o := range obs {
		r := o.Excess - share*o.Missing
		rss += r * r
	}
	se := math.NaN()
	if len(obs) > 1 {
		se = math.Sqrt(rss / float64(len(obs)-1) / sxx)
	}
	return Transfer{Share: math.Min(1, math.Max(0, share)), SE: se, Periods: missing}, nil
}
