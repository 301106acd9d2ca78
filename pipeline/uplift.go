package pipeline

import (
	"context"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/uplift"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// peakCalendar is the calendar's peaks as the forecast reads them: their
// occurrences and the labels that place a series, or nothing when the
// section turns peaks off or the calendar has none.
type peakCalendar struct {
	occ    []series.Occurrence
	labels uplift.Labels
	window uplift.Window
}

func readPeakCalendar(ctx context.Context, src Source, cfg config.Forecast) (*peakCalendar, error) {
	if cfg.Peaks == "off" {
		return nil, nil
	}
	events, err := src.Events(ctx)
	if err != nil {
		return nil, err
	}
	occ := series.Occurrences(events, series.PeakKind)
	if len(occ) == 0 {
		return nil, nil
	}
	labels, err := src.HierarchyLabels(ctx)
	if err != nil {
		return nil, err
	}
	w := uplift.DefaultWindow
	if cfg.PeakDaysBefore > 0 {
		w.Pre = cfg.PeakDaysBefore
	}
	if cfg.PeakDaysAfter > 0 {
		w.Post = cfg.PeakDaysAfter
	}
	return &peakCalendar{occ: occ, labels: uplift.Labels{Category: labels.Category, Region: labels.Region}, window: w}, nil
}

// learnPeaks learns the peaks' effects on a sample of the panel (the
// sample the forecast's parameters are learned on, so that a whole run
// and the pre-pass of a sharded one learn the same), with the return
// rates from the whole source's returns.
func learnPeaks(ctx context.Context, src Source, p *series.Panel, cal *peakCalendar) (*uplift.Model, error) {
	sample := p
	if p.Len() > forecast.ParamsSample {
		sample = p.Subset(series.SampleIndex(p.Len(), forecast.ParamsSample))
	}
	m := uplift.Learn(sample, cal.occ, cal.labels, uplift.Options{Window: cal.window})
	returns, err := src.CategoryReturns(ctx)
	if err != nil {
		return nil, err
	}
	m.ReturnRates(returns, uplift.DefaultReturnDays)
	return m, nil
}

// peakModel is the forecast's model of the peaks for panel p: the
// network's (learned once for a run spread over shards) or one learned on
// p, with p's products' own deviations. Nil without peaks.
func peakModel(ctx context.Context, src Source, p *series.Panel, cal *peakCalendar) (*uplift.Model, error) {
	if cal == nil {
		return nil, nil
	}
	var m *uplift.Model
	if np := networkParams(src); np != nil && np.Peaks != nil {
		m = np.Peaks
	} else {
		var err error
		if m, err = learnPeaks(ctx, src, p, cal); err != nil {
			return nil, err
		}
	}
	return m.LearnProducts(p, cal.labels), nil
}
