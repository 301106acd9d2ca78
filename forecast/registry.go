package forecast

import (
	"fmt"
	"sort"
	"strings"
)

// models lists every model by its name (its alias in --models and in the
// output's model column).
var models = map[string]func() Model{
	"auto":             func() Model { return Auto{} },
	"naive":            func() Model { return Naive{} },
	"snaive":           func() Model { return SeasonalNaive{} },
	"window_average":   func() Model { return WindowAverage{} },
	"historic_average": func() Model { return HistoricAverage{} },
	"ets":              func() Model { return ETS{} },
	"arima":            func() Model { return ARIMA{} },
	"theta":            func() Model { return Theta{} },
	"theta_stm":        func() Model { return Theta{Variant: STM} },
	"theta_otm":        func() Model { return Theta{Variant: OTM} },
	"theta_dstm":       func() Model { return Theta{Variant: DSTM} },
	"theta_dotm":       func() Model { return Theta{Variant: DOTM} },
	"croston":          func() Model { return Croston{} },
	"croston_sba":      func() Model { return Croston{Variant: SBA} },
	"croston_opt":      func() Model { return Croston{Variant: Optimized} },
	"tsb":              func() Model { return TSB{} },
	"adida":            func() Model { return ADIDA{} },
	"imapa":            func() Model { return IMAPA{} },
	"combo":            func() Model { return Combo{} },
	"reg_auto":         func() Model { return Regression{Inner: Auto{}} },
	"reg_ets":          func() Model { return Regression{Inner: ETS{}} },
	"mseas_ets":        func() Model { return MultiSeasonal{Inner: ETS{}} },
	"mseas_theta":      func() Model { return MultiSeasonal{Inner: Theta{}} },
	"mseas_arima":      func() Model { return MultiSeasonal{Inner: ARIMA{}} },
}

// ModelNames lists the names ParseModels accepts, sorted.
func ModelNames() []string {
	names := make([]string, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ModelNamed returns the model called name.
func ModelNamed(name string) (Model, error) {
	f, ok := models[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, fmt.Errorf("%q is not a model (models: %s)", name, strings.Join(ModelNames(), ", "))
	}
	return f(), nil
}

// ParseModels reads --models: "auto", one model's name, or a comma-separated
// list of models to choose among per series by out-of-sample error.
func ParseModels(s string) (Model, error) {
	var list []Model
	for _, name := range strings.Split(s, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		m, err := ModelNamed(name)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	switch len(list) {
	case 0:
		return nil, fmt.Errorf("no model named in %q", s)
	case 1:
		return list[0], nil
	}
	return Auto{Candidates: list, Intermittent: list}, nil
}
