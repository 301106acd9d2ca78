package atp

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/planner-engine/planner/dist"
)

// Channel is a sales channel's claim on a location's stock.
type Channel struct {
	Name string
	// LostSale is what a sale lost in the channel costs, relative to the
	// other channels (such as the margin lost plus what losing the order
	// costs beyond it); it must be above 0. The channel whose lost sale
	// costs more is protected from those whose costs less; channels that
	// cost the same share their stock.
	LostSale float64
	// Reserve is the units always kept for the channel, whatever its
	// demand: no other channel may promise them.
	Reserve float64
	// MaxShare, when above 0, is the largest share of the stock the
	// channel may promise (at most 1).
	MaxShare float64
}

// Demand is a channel's demand on one position over the protection
// horizon (such as the day until the next delivery).
type Demand struct {
	Mean, Variance float64
}

// Position is one SKU's stock at one location and each channel's demand
// on it, in the order of the channels given to Plan.
type Position struct {
	SKU, Location string
	// Stock is the units free to promise: on hand, less what is already
	// promised.
	Stock  float64
	Demand []Demand
}

// Line is what one channel may promise of one position.
type Line struct {
	SKU, Location, Channel string
	Stock                  float64
	// Promise is the units the channel may promise; Kept the units kept
	// from it for other channels (protection and reserves).
	Promise, Kept float64
	Reason        string
}

// Shortfall is a position with stock whose channels' reserves add up to
// more than it: a ring-fence that cannot be kept. (A position without
// stock is a stock-out, which replenishment flags.)
type Shortfall struct {
	SKU, Location   string
	Reserved, Stock float64
}

func (s Shortfall) String() string {
	return fmt.Sprintf("%s at %s: the channels' reserves (%g units) are more than its stock (%g)", s.SKU, s.Location, s.Reserved, s.Stock)
}

// Plan decides what each channel may promise of each position. The lines
// come in the order of the positions, then of the channels as given. A
// position whose reserves add up to more than its stock is a Shortfall
// (its lines promise what is left, if anything).
func Plan(positions []Position, channels []Channel) ([]Line, []Shortfall, error) {
	if err := check(channels); err != nil {
		return nil, nil, err
	}
	// Dearest lost sale first; equal costs keep their order.
	order := make([]int, len(channels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(channels[b].LostSale, channels[a].LostSale) })
	var lines []Line
	var short []Shortfall
	reserved := 0.0
	for _, c := range channels {
		reserved += math.Ceil(c.Reserve)
	}
	for p := range positions {
		pos := &positions[p]
		if len(pos.Demand) != len(channels) {
			return nil, nil, fmt.Errorf("%s at %s has demand for %d channels, not the %d channels planned", pos.SKU, pos.Location, len(pos.Demand), len(channels))
		}
		for _, d := range pos.Demand {
			if !(d.Mean >= 0) || !(d.Variance >= 0) || math.IsInf(d.Mean, 0) || math.IsInf(d.Variance, 0) {
				return nil, nil, fmt.Errorf("%s at %s: a channel's demand (mean %v, variance %v) is not a finite number >= 0", pos.SKU, pos.Location, d.Mean, d.Variance)
			}
		}
		stock := math.Max(0, math.Floor(pos.Stock))
		if reserved > stock && stock > 0 { // without stock, a stock-out, not a fence to check
			short = append(short, Shortfall{SKU: pos.SKU, Location: pos.Location, Reserved: reserved, Stock: stock})
		}
		level, dearer, names := protection(pos, channels, order)
		for i, c := range channels {
			// The dearer channels' reserves count within what is kept for
			// them; the other channels' reserves come on top.
			fence := math.Max(level[i], dearer[i])
			others := reserved - math.Ceil(c.Reserve) - dearer[i]
			promise := math.Max(0, stock-fence-others)
			reason := ""
			if fence > 0 {
				reason = fmt.Sprintf("%g kept for %s", fence, names[i])
			}
			if others > 0 {
				reason = join(reason, fmt.Sprintf("%g reserved for other channels", others))
			}
			if c.MaxShare > 0 {
				if limit := math.Floor(c.MaxShare * stock); promise > limit {
					promise = limit
					reason = join(reason, fmt.Sprintf("at most %g%% of the stock", math.Round(c.MaxShare*1000)/10))
				}
			}
			if stock == 0 {
				reason = "no stock"
			} else if reason == "" {
				reason = "all the stock"
			}
			lines = append(lines, Line{SKU: pos.SKU, Location: pos.Location, Channel: c.Name, Stock: stock,
				Promise: promise, Kept: stock - promise, Reason: reason})
		}
	}
	return lines, short, nil
}

// protection returns, per channel, the units kept for the channels whose
// lost sale costs more (EMSR-b over the channels in order), those
// channels' reserves, and their names.
func protection(pos *Position, channels []Channel, order []int) (level, reserves []float64, names []string) {
	level = make([]float64, len(channels))
	reserves = make([]float64, len(channels))
	names = make([]string, len(channels))
	var mean, variance, value, kept, reserved, groupReserve float64
	var dearer, group []string
	for j, i := range order {
		c := channels[i]
		if j > 0 && c.LostSale < channels[order[j-1]].LostSale {
			// The channels before this one, pooled: keep what they would
			// sell while a further unit kept for them is worth more than
			// one sold here.
			if mean > 0 {
				if ratio := c.LostSale / (value / mean); ratio < 1 {
					d, _ := dist.NewDemand(mean, variance) // Plan checked it is finite
					kept = math.Max(kept, d.Quantile(1-ratio))
				}
			}
			dearer, reserved = append(dearer, group...), reserved+groupReserve
			group, groupReserve = nil, 0
		}
		level[i], reserves[i], names[i] = kept, reserved, strings.Join(dearer, ", ")
		d := pos.Demand[i]
		mean += d.Mean
		variance += d.Variance
		value += c.LostSale * d.Mean
		group, groupReserve = append(group, c.Name), groupReserve+math.Ceil(c.Reserve)
	}
	return level, reserves, names
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// check refuses channels that cannot be planned.
func check(channels []Channel) error {
	if len(channels) == 0 {
		return errors.New("no channels to plan")
	}
	seen := map[string]bool{}
	for _, c := range channels {
		switch {
		case c.Name == "":
			return errors.New("a channel has no name")
		case seen[c.Name]:
			return fmt.Errorf("channel %s is listed twice", c.Name)
		case !(c.LostSale > 0) || math.IsInf(c.LostSale, 0):
			return fmt.Errorf("channel %s: the cost of a lost sale must be a number above 0 (got %v)", c.Name, c.LostSale)
		case !(c.Reserve >= 0) || math.IsInf(c.Reserve, 0):
			return fmt.Errorf("channel %s: the reserve must be a number of units >= 0 (got %v)", c.Name, c.Reserve)
		case !(c.MaxShare >= 0 && c.MaxShare <= 1):
			return fmt.Errorf("channel %s: the largest share of stock must be between 0 and 1 (got %v)", c.Name, c.MaxShare)
		}
		seen[c.Name] = true
	}
	return nil
}
