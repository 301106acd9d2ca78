package series

import "sort"

// ChannelUnits is one sales channel's part of a location's demand: its
// mean units over some days. A location's channels sell from its one
// stock, so the plans add them up and keep the split to show.
type ChannelUnits struct {
	Channel string
	Units   float64
}

// AddChannelUnits adds b to a channel by channel, sorted by channel.
func AddChannelUnits(a, b []ChannelUnits) []ChannelUnits {
	by := map[string]float64{}
	for _, c := range a {
		by[c.Channel] += c.Units
	}
	for _, c := range b {
		by[c.Channel] += c.Units
	}
	out := make([]ChannelUnits, 0, len(by))
	for c, u := range by {
		out = append(out, ChannelUnits{Channel: c, Units: u})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Channel < out[j].Channel })
	return out
}
