package allocation

import (
	"fmt"
	"math"

	"github.com/planner-engine/planner/dist"
)

// Site is one store (or the online channel's stock) of one product in a
// rebalancing region.
type Site struct {
	Location string
	// Mean and Variance describe demand over the horizon, until the next
	// delivery.
	Mean, Variance float64
	// LeadMean and LeadVariance describe demand over the site's own
	// replenishment lead time: stock it would need before anything it
	// ordered could arrive, which it never gives away.
	LeadMean, LeadVariance float64
	OnHand                 float64
	// Max is the most the site can hold (0: no limit).
	Max float64
	// Value is what a unit sold here is worth; 0 means 1.
	Value float64
}

// RebalanceOptions say when a transfer is worth making. The zero value
// means: any gain, one unit at least, two transfers a store, service 0.95.
type RebalanceOptions struct {
	// TransferCost is the fixed cost of one transfer, in Value's units:
	// a transfer is proposed only if the value of the expected sales it
	// gains at the receiver, less those it loses at the sender, exceeds it.
	TransferCost float64
	// UnitCost is the cost of moving each unit, in the same units.
	UnitCost float64
	// MinTransfer is the fewest units worth moving; 0 means 1.
	MinTransfer float64
	// MaxTransfers is how many transfers a site may send or receive in one
	// plan (planned weekly: per week); 0 means 2.
	MaxTransfers int
	// Service is the probability with which a sender keeps enough for its
	// own lead time's demand; 0 means 0.95.
	Service float64
}

// Transfer is one proposed move of stock between two sites.
type Transfer struct {
	SKU, From, To string
	Qty           float64
	// Gain and Loss are the expected units sold gained at the receiver and
	// lost at the sender over the horizon; Net the value gained less the
	// cost of the transfer.
	Gain, Loss, Net float64
	// ToOnHand, ToDemand and ToSales are the receiver's stock before, its
	// mean demand and its expected sales after the transfer.
	ToOnHand, ToDemand, ToSales float64
	// ToNeed is what the receiver lacked of its target stock.
	ToNeed float64
	Reason string
}

// Rebalance proposes transfers of one product among the sites of one
// region, best first: at each round the pair of sites and quantity with
// the largest net gain, until no transfer gains more than it costs or
// every site has used its transfers. A sender never goes below what its
// own lead time needs at the service level; a receiver never above its
// Max.
func Rebalance(sku string, sites []Site, o RebalanceOptions) ([]Transfer, error) {
	minQty := math.Max(1, o.MinTransfer)
	maxMoves := o.MaxTransfers
	if maxMoves <= 0 {
		maxMoves = 2
	}
	service := o.Service
	if service == 0 {
		service = 0.95
	}
	if service < 0 || service >= 1 || !finite(o.TransferCost) || o.TransferCost < 0 || !finite(o.UnitCost) || o.UnitCost < 0 {
		return nil, fmt.Errorf("%w: %s: service %v must be in (0, 1) and transfer costs %v, %v numbers >= 0", ErrBadProblem, sku, service, o.TransferCost, o.UnitCost)
	}
	stock := make([]float64, len(sites))
	keep := make([]float64, len(sites))
	target := make([]float64, len(sites))
	moves := make([]int, len(sites))
	// A site sends or receives, never both: stock does not pass through
	// a store on its way elsewhere.
	sent, received := make([]bool, len(sites)), make([]bool, len(sites))
	seen := map[string]bool{}
	for i, s := range sites {
		switch {
		case seen[s.Location]:
			return nil, fmt.Errorf("%w: %s: site %s is listed twice", ErrBadProblem, sku, s.Location)
		case !finite(s.OnHand) || s.OnHand < 0:
			return nil, fmt.Errorf("%w: %s at %s: stock on hand %v is not a number >= 0", ErrBadProblem, sku, s.Location, s.OnHand)
		case !finite(s.Mean) || s.Mean < 0 || !finite(s.Variance) || s.Variance < 0 ||
			!finite(s.LeadMean) || s.LeadMean < 0 || !finite(s.LeadVariance) || s.LeadVariance < 0:
			return nil, fmt.Errorf("%w: %s at %s: demand means and variances must be numbers >= 0", ErrBadProblem, sku, s.Location)
		}
		seen[s.Location] = true
		stock[i] = math.Floor(s.OnHand)
		w := dist.NewWalk(s.LeadMean, s.LeadVariance)
		for w.CDF() < service {
			w.Step()
		}
		keep[i] = float64(w.Level())
		w = dist.NewWalk(s.Mean, s.Variance)
		for w.CDF() < service {
			w.Step()
		}
		target[i] = float64(w.Level())
		if s.Max > 0 {
			target[i] = math.Min(target[i], s.Max)
		}
	}
	var out []Transfer
	for {
		best := Transfer{Net: 0}
		from, to := -1, -1
		for d := range sites {
			spare := stock[d] - keep[d]
			if moves[d] >= maxMoves || spare < minQty || received[d] {
				continue
			}
			lost := unitGains(&sites[d], keep[d], stock[d]) // lost[j]: the (j+1)-th unit from the top
			for r := range sites {
				if r == d || moves[r] >= maxMoves || sent[r] {
					continue
				}
				// A receiver is brought at most to its own target: the
				// horizon's demand at the service level, within its Max.
				room := math.Min(spare, target[r]-stock[r])
				if room < minQty {
					continue
				}
				t := bestMove(&sites[d], &sites[r], lost, stock[r], room, minQty, o)
				if t.Net > best.Net+1e-12 {
					best, from, to = t, d, r
				}
			}
		}
		if from < 0 {
			break
		}
		best.SKU, best.From, best.To = sku, sites[from].Location, sites[to].Location
		best.ToOnHand, best.ToDemand, best.ToNeed = stock[to], sites[to].Mean, target[to]-stock[to]
		w := dist.NewWalk(sites[to].Mean, sites[to].Variance)
		w.StepTo(int(stock[to] + best.Qty))
		best.ToSales = w.Sales()
		best.Reason = fmt.Sprintf("%s holds %s, expects to sell %s more with %s more; %s keeps %s (its lead time needs %s), expects %s fewer; net %s after the transfer's cost",
			best.To, num(stock[to]), num(best.Gain), num(best.Qty), best.From, num(stock[from]-best.Qty), num(keep[from]), num(best.Loss), num(best.Net))
		stock[from] -= best.Qty
		stock[to] += best.Qty
		moves[from]++
		moves[to]++
		sent[from], received[to] = true, true
		out = append(out, best)
	}
	return out, nil
}

// unitGains lists, from the top unit of stock down to the first above
// keep, the expected sales each adds over the horizon.
func unitGains(s *Site, keep, stock float64) []float64 {
	w := dist.NewWalk(s.Mean, s.Variance)
	w.StepTo(int(keep))
	gains := make([]float64, 0, int(stock-keep))
	for k := keep; k < stock; k++ {
		gains = append(gains, w.Step())
	}
	for i, j := 0, len(gains)-1; i < j; i, j = i+1, j-1 {
		gains[i], gains[j] = gains[j], gains[i]
	}
	return gains
}

// bestMove finds the quantity from d to r with the largest net gain: the
// receiver's gain per unit falls and the sender's loss per unit rises as
// more moves, so the net per unit falls and the best quantity is where it
// turns negative, if that is at least minQty.
func bestMove(d, r *Site, lost []float64, rStock, room, minQty float64, o RebalanceOptions) Transfer {
	w := dist.NewWalk(r.Mean, r.Variance)
	w.StepTo(int(rStock))
	vr, vd := orOne(r.Value), orOne(d.Value)
	var t Transfer
	var gain, loss, net float64
	for q := 1; float64(q) <= room && q <= len(lost); q++ {
		g := w.Step()
		step := vr*g - vd*lost[q-1] - o.UnitCost
		if step <= 0 {
			break
		}
		gain += g
		loss += lost[q-1]
		net += step
		if float64(q) >= minQty && net-o.TransferCost > t.Net {
			t = Transfer{Qty: float64(q), Gain: gain, Loss: loss, Net: net - o.TransferCost}
		}
	}
	return t
}
