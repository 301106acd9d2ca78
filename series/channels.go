package series

// ChannelUnits is one sales channel's part of a location's demand: its
// mean units over some days. A location's channels sell from its one
// stock, so the plans add them up and keep the split to show.
type ChannelUnits struct {
	Channel string
	Units   float64
}

// AddChannel adds units of a channel to a list sorted by channel, keeping
// it sorted. A location has a few channels, so the list is searched in
// place: no map for each of a million series.
func AddChannel(list []ChannelUnits, channel string, units float64) []ChannelUnits {
	i := 0
	for i < len(list) && list[i].Channel < channel {
		i++
	}
	if i < len(list) && list[i].Channel == channel {
		list[i].Units += units
		return list
	}
	list = append(list, ChannelUnits{})
	copy(list[i+1:], list[i:])
	list[i] = ChannelUnits{Channel: channel, Units: units}
	return list
}

// AddChannelUnits returns a with b added channel by channel, sorted by
// channel; a is not changed.
func AddChannelUnits(a, b []ChannelUnits) []ChannelUnits {
	out := append([]ChannelUnits(nil), a...)
	for _, c := range b {
		out = AddChannel(out, c.Channel, c.Units)
	}
	return out
}
