package forecast

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// promoPanel holds stores whose sales rise by half on promotion days,
// with no plan of the promotions ahead. With fortnightly, the promotion
// runs Monday to Friday every other week; otherwise on days drawn at
// random.
func promoPanel(stores, days int, fortnightly bool) *series.Panel {
	p := &series.Panel{Freq: series.Daily}
	x := &series.Exog{Names: []string{"log_price", "promo"}, Horizon: 28, Unplanned: []bool{true, true}}
	start := series.MustParseDate("2024-01-01") // a Monday
	for s := 0; s < stores; s++ {
		y := make([]float64, days)
		for t := range y {
			promo := 0.0
			if fortnightly && t%14 < 5 || !fortnightly && (t*7+s*3)%10 < 3 {
				promo = 1
			}
			y[t] = math.Round((100 + 10*float64(s)) * (1 + 0.5*promo) * (1 + 0.2*math.Sin(2*math.Pi*float64(t%7)/7)))
			x.Hist = append(x.Hist, 0, float32(promo))
		}
		p.Append(series.Key{SKU: "A", Location: string(rune('a' + s))}, start, y)
		x.Future = append(x.Future, make([]float64, 28*2)...)
	}
	p.Exog = x
	return p
}

// A driver that nothing plans is left out, and said to be; one that keeps
// to a schedule is carried on by it, and the forecast rises on the days it
// says.
func TestWithDriversLeavesOutOrCarriesOnUnplannedDrivers(t *testing.T) {
	random := promoPanel(5, 364, false)
	model, use, err := WithDrivers(ETS{}, random, "auto")
	require.NoError(t, err)
	assert.Equal(t, []string{"promo"}, use.LeftOut, "the price never varies, so it is not worth naming")
	assert.Empty(t, use.Scheduled)
	assert.Nil(t, random.Exog)
	assert.Equal(t, "ets", model.Name())

	sched := promoPanel(5, 364, true)
	model, use, err = WithDrivers(ETS{}, sched, "auto")
	require.NoError(t, err)
	assert.Empty(t, use.LeftOut)
	assert.Equal(t, []string{"promo every 14 days"}, use.Scheduled)
	assert.Equal(t, "reg_ets", model.Name())
	require.NotNil(t, sched.Exog)
	assert.Equal(t, []string{"promo"}, sched.Exog.Names)
	// 364 days end on a Sunday that closes a week without promotion: the
	// next two weeks are a promotion from Monday to Friday, then none.
	_, future := sched.Drivers(0)
	assert.Equal(t, []float64{1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, future[:14])

	res, err := Run(context.Background(), sched, Options{Horizon: 28, Model: model, Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, "promo", res.Drivers[0])
	fc := res.Series(0)
	assert.Greater(t, fc[1], 1.3*fc[8], "a Tuesday with the promotion against one without")

	// "on" keeps every driver, planned or not.
	on := promoPanel(2, 364, false)
	model, use, err = WithDrivers(ETS{}, on, "on")
	require.NoError(t, err)
	assert.Equal(t, "reg_ets", model.Name())
	assert.Empty(t, use.LeftOut)
	assert.Len(t, on.Exog.Names, 2)
}

// A backtest carries a scheduled driver on from each origin, as the
// forecast would have, rather than reading what happened after it.
func TestBacktestCarriesScheduleFromOrigin(t *testing.T) {
	p := promoPanel(1, 364, true)
	_, _, err := WithDrivers(ETS{}, p, "auto")
	require.NoError(t, err)
	// Break the schedule in the last 28 days: a promotion every day.
	hist, _ := p.Drivers(0)
	for t := 336; t < 364; t++ {
		hist[t] = 1
	}
	train, _ := truncate(p, p.Freq.Add(p.Starts[0], 335), 28)
	_, future := train.Drivers(0)
	assert.Equal(t, []float64{1, 1, 1, 1, 1, 0, 0}, future[:7], "carried on from the origin, not the promotion that happened")
}

// A schedule that slips now and then misses, and more often on the days
// it carries a promotion on than on those it carries none: most misses
// are a promotion that moved.
func TestDriverScheduleCountsItsMisses(t *testing.T) {
	steady := promoPanel(3, 364, true)
	lag, miss := driverSchedule(steady, 1, 28)
	assert.Equal(t, 14, lag)
	assert.Equal(t, series.ScheduleMiss{}, miss, "a schedule kept to the day never misses")

	slipping := promoPanel(3, 364, true)
	for i := 0; i < slipping.Len(); i++ {
		hist, _ := slipping.Drivers(i)
		// Every fifth promotion runs a week late.
		for f := 0; f*14 < 364; f += 5 {
			for d := f * 14; d < f*14+5 && d+7 < 364; d++ {
				hist[2*d+1], hist[2*(d+7)+1] = 0, 1
			}
		}
	}
	lag, miss = driverSchedule(slipping, 1, 28)
	assert.Equal(t, 14, lag)
	assert.Greater(t, miss.Usual, 0.0)
	assert.Greater(t, miss.Other, miss.Usual)
}

// A forecast from a driver carried on by its schedule is a mixture of the
// driver as carried and as missed: its mean moves towards the missed
// value's by the miss rate, and its spread widens by the two means'
// variance.
func TestScheduledDriverMissesWidenTheForecast(t *testing.T) {
	p := promoPanel(1, 364, true)
	hist, _ := p.Drivers(0)
	future := make([]float64, 2*28)
	for h := 0; h < 28; h++ {
		future[2*h+1] = float64(hist[2*(336+h)+1])
	}
	drivers := &Drivers{Names: p.Exog.Names, X: series.Row64(hist), Future: future}
	info := infoOf(p.Series(0), series.Daily, 28)
	info.Drivers = drivers
	sureMean, sureSD, fit := predictN(t, Regression{Inner: SeasonalNaive{}}, p.Series(0), info, 28)
	beta := fit.(*regressionFit).beta[1]
	require.InDelta(t, math.Log(1.5), beta, 0.05, "the promotion lifts sales by half")

	missed := *drivers
	missed.Misses = []series.ScheduleMiss{{}, {Usual: 0.1, Other: 0.2}}
	info.Drivers = &missed
	mean, sd, _ := predictN(t, Regression{Inner: SeasonalNaive{}}, p.Series(0), info, 28)
	for h := 0; h < 28; h++ {
		m, factor := 0.1, math.Exp(beta)
		if future[2*h+1] == 1 {
			m, factor = 0.2, math.Exp(-beta)
		}
		d := sureMean[h] * (factor - 1)
		assert.InDelta(t, sureMean[h]+m*d, mean[h], 1e-9, "day %d", h)
		assert.InDelta(t, math.Sqrt(sureSD[h]*sureSD[h]+m*(1-m)*d*d), sd[h], 1e-9, "day %d", h)
	}
}

// Replaying a history, the forecast made on a past day knows the drivers a
// plan gave for the days after it, and carries a scheduled one on from it.
func TestUpdaterForecastsAPanelWithWhatWasKnownOnTheDay(t *testing.T) {
	planned := promoPanel(1, 364, false)
	planned.Exog.Unplanned = nil
	model, _, err := WithDrivers(ETS{}, planned, "auto")
	require.NoError(t, err)
	require.Equal(t, "reg_ets", model.Name())
	u := &Updater{Model: model, Freq: series.Daily, Refit: 91}
	mean, sd := make([]float64, 14), make([]float64, 14)
	u.ForecastPanel(planned, 0, 300, mean, sd)
	hist, _ := planned.Drivers(0)
	for t2 := 1; t2 < 14; t2++ {
		promo, before := hist[(300+t2)*2+1], hist[(300+t2-1)*2+1]
		switch {
		case promo > before:
			assert.Greater(t, mean[t2], 1.2*mean[t2-1], "day %d starts a promotion", 300+t2)
		case promo < before:
			assert.Less(t, mean[t2], mean[t2-1]/1.2, "day %d ends one", 300+t2)
		}
	}

	sched := promoPanel(1, 364, true)
	model, use, err := WithDrivers(ETS{}, sched, "auto")
	require.NoError(t, err)
	require.Equal(t, []string{"promo every 14 days"}, use.Scheduled)
	hist, _ = sched.Drivers(0)
	for t2 := 301; t2 < 308; t2++ {
		hist[t2] = 1 // a promotion out of schedule, not known on day 300
	}
	u = &Updater{Model: model, Freq: series.Daily, Refit: 91}
	u.ForecastPanel(sched, 0, 300, mean, sd)
	// Day 300 is 300 % 14 = 6 into the fortnight: days 308 to 312 start the
	// next promotion (days 0 to 4 of a fortnight). Each day against the
	// same weekday a week on:
	for t2 := 0; t2 < 7; t2++ {
		a, b := 300+t2, 307+t2
		switch pa, pb := a%14 < 5, b%14 < 5; {
		case pa && !pb:
			assert.Greater(t, mean[t2], 1.2*mean[t2+7], "day %d promoted by the schedule, day %d not", a, b)
		case pb && !pa:
			assert.Greater(t, mean[t2+7], 1.2*mean[t2], "day %d promoted by the schedule, day %d not", b, a)
		default:
			assert.InDelta(t, mean[t2], mean[t2+7], 0.1*mean[t2], "days %d and %d alike", a, b)
		}
	}
}

// A driver nothing plans, kept with "on", is replayed at the stand-in the
// forecast assumes: what happened after the day changes nothing.
func TestUpdaterNeverReadsAnUnplannedDriversFuture(t *testing.T) {
	forecastOn := func(promoAhead float32) []float64 {
		p := promoPanel(1, 364, false)
		model, _, err := WithDrivers(ETS{}, p, "on")
		require.NoError(t, err)
		hist, _ := p.Drivers(0)
		for d := 300; d < 314; d++ {
			hist[d*2+1] = promoAhead
		}
		mean, sd := make([]float64, 14), make([]float64, 14)
		(&Updater{Model: model, Freq: series.Daily, Refit: 91}).ForecastPanel(p, 0, 300, mean, sd)
		return mean
	}
	assert.Equal(t, forecastOn(0), forecastOn(1))
}
