package placement

import (
	"fmt"
	"math"
	"strings"
)

// Line is one SKU at one node: whether the node holds it, the stock it
// targets, the zones it serves and why.
type Line struct {
	SKU, Node string
	Hold      bool
	// Target is the stock the node targets (0 when it does not hold the
	// SKU); Units the daily demand it serves.
	Target, Units float64
	// Zones are the zones the node serves the SKU to, in the network's
	// order.
	Zones []string
	// Hours is the mean delivery time of the demand it serves, weighted
	// by the demand; NaN when it serves none.
	Hours  float64
	Reason string
}

// Lines lists every SKU at every node, in the order of the SKUs, then of
// the nodes.
func (p *Plan) Lines(net *Network, skus []SKU) []Line {
	out := make([]Line, 0, len(skus)*len(net.Nodes))
	for i := range skus {
		out = append(out, p.skuLines(net, &skus[i], &p.Decisions[i])...)
	}
	return out
}

func (p *Plan) skuLines(net *Network, k *SKU, d *Decision) []Line {
	nn := len(net.Nodes)
	lines := make([]Line, nn)
	units := make([]float64, nn)
	hours := make([]float64, nn)
	zoneSeen := make([]map[int]bool, nn)
	var holders []string
	var demand float64
	for j, st := range k.Streams {
		demand += st.Mean
		n := d.Assign[j]
		if n < 0 {
			continue
		}
		units[n] += st.Mean
		hours[n] += st.Mean * net.Hours[n][st.Zone]
		if zoneSeen[n] == nil {
			zoneSeen[n] = map[int]bool{}
		}
		zoneSeen[n][st.Zone] = true
	}
	for n := range net.Nodes {
		if d.Held(n) {
			holders = append(holders, net.Nodes[n].Name)
		}
	}
	for n, node := range net.Nodes {
		l := Line{SKU: k.SKU, Node: node.Name, Hold: d.Held(n), Target: d.Target[n], Units: units[n], Hours: math.NaN()}
		if units[n] > 0 {
			l.Hours = hours[n] / units[n]
		}
		for z := range net.Zones {
			if zoneSeen[n][z] {
				l.Zones = append(l.Zones, net.Zones[z])
			}
		}
		switch {
		case l.Hold && len(holders) == 1:
			l.Reason = fmt.Sprintf("central: one stock pools the demand of %s, and safety stock grows only with the square root of the demand pooled", countZones(len(l.Zones)))
		case l.Hold:
			if only := p.onlyReach(net, k, d, n); only != "" {
				l.Reason = "forward: the only node holding it within " + only
			} else {
				l.Reason = fmt.Sprintf("forward: serving %s from here saves more delivery and lost sales than the safety stock it splits off costs", countZones(len(l.Zones)))
			}
		case len(holders) > 0:
			l.Reason = "not held: served from " + strings.Join(holders, ", ")
		case demand == 0:
			l.Reason = "not held anywhere: no demand"
		default:
			l.Reason = "not held anywhere: serving its demand costs more than the sales lost, or no node reaches it within its promise"
		}
		lines[n] = l
	}
	return lines
}

// onlyReach names a promise that only node n, of the nodes holding the
// SKU, meets for some zone it serves ("the instant promise (1 h) of
// zone Z07"); "" when another holder could serve each of them.
func (p *Plan) onlyReach(net *Network, k *SKU, d *Decision, n int) string {
	for j, st := range k.Streams {
		if d.Assign[j] != n || net.Channels[st.Channel].PromiseHours <= 0 {
			continue
		}
		other := false
		for m := range net.Nodes {
			if m != n && d.Held(m) && net.reaches(m, st.Zone, st.Channel) {
				other = true
				break
			}
		}
		if !other {
			c := net.Channels[st.Channel]
			return fmt.Sprintf("the %s promise (%s h) of zone %s", c.Name, trimFloat(c.PromiseHours), net.Zones[st.Zone])
		}
	}
	return ""
}

func countZones(n int) string {
	if n == 1 {
		return "1 zone"
	}
	return fmt.Sprintf("%d zones", n)
}

func trimFloat(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
