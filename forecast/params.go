package forecast

import (
	"context"

	"github.com/planner-engine/planner/series"
)

// PanelParams are what a forecast learns across the panel's series rather
// than from each series alone: the candidates Auto prefers (for regular
// and for intermittent series), the drivers' pooled prior (Regression),
// and the factors that calibrate the quantiles (pooled errors by kind).
// A run spread over shards forecasts each shard with the parameters of
// the whole panel (Options.Params), so that every series' forecast is the
// same whichever shard it falls in.
type PanelParams struct {
	// Preferred maps "regular" and "intermittent" to a candidate's name.
	Preferred map[string]string `json:"preferred,omitempty"`
	// Prior is the drivers' pooled prior; nil without drivers.
	Prior *DriverPrior `json:"prior,omitempty"`
	// Calibration holds the quantile factors of each kind of series.
	Calibration []CalibrationFactors `json:"calibration,omitempty"`
	// Drivers is which drivers the forecast uses (WithDrivers' decision
	// on the whole panel); the caller sets it, as it calls WithDrivers.
	Drivers *DriverDecision `json:"drivers,omitempty"`
}

// CalibrationFactors scale the predicted spread of one kind of series,
// one factor per probability of Probs.
type CalibrationFactors struct {
	Intermittent bool      `json:"intermittent"`
	ShapeOnly    bool      `json:"shape_only"`
	Probs        []float64 `json:"probs"`
	Factors      []float64 `json:"factors"`
}

func preferredKey(intermittent bool) string {
	if intermittent {
		return "intermittent"
	}
	return "regular"
}

// paramsOf reads the panel-level parameters a prepared model holds.
func paramsOf(m Model, pp *PanelParams) {
	switch m := m.(type) {
	case Auto:
		for inter, name := range m.preferred {
			if pp.Preferred == nil {
				pp.Preferred = map[string]string{}
			}
			pp.Preferred[preferredKey(inter)] = name
		}
	case Regression:
		pp.Prior = m.Prior
		if m.Inner != nil {
			paramsOf(m.Inner, pp)
		}
	}
}

// withParams returns the model prepared with the given parameters instead
// of what Prepare would learn from the panel at hand.
func withParams(m Model, pp *PanelParams) Model {
	switch m := m.(type) {
	case Auto:
		if m.Margin >= 0 {
			m.preferred = map[bool]string{}
			for _, inter := range []bool{false, true} {
				if name, ok := pp.Preferred[preferredKey(inter)]; ok {
					m.preferred[inter] = name
				}
			}
		}
		return m
	case Regression:
		// As Prepare: a nil inner model (Auto{} unprepared) stays nil.
		m.Prior = pp.Prior
		if m.Inner != nil {
			m.Inner = withParams(m.Inner, pp)
		}
		return m
	}
	return m
}

// ParamsSample is how many series LearnParams forecasts at most.
const ParamsSample = 2000

// LearnParams learns the panel-level parameters on up to ParamsSample of
// the panel's series, spread evenly over it (series.SampleIndex), by forecasting them as Run
// does: the pre-pass of a run spread over shards, whose parameters every
// shard then forecasts with. For a panel of ParamsSample series or fewer
// they are the parameters Run learns on the whole panel.
func LearnParams(ctx context.Context, p *series.Panel, opts Options) (*PanelParams, error) {
	opts.Params, opts.Progress, opts.Residuals = nil, nil, 0
	sample := p
	if p.Len() > ParamsSample {
		sample = p.Subset(series.SampleIndex(p.Len(), ParamsSample))
	}
	res, err := Run(ctx, sample, opts)
	if err != nil {
		return nil, err
	}
	return res.Params, nil
}
