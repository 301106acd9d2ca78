package synth

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/planner-engine/planner/series"
)

// Purposes of random streams: each draw comes from the stream of what it is
// for, so adding a draw for one thing never shifts the draws for another.
const (
	streamStores uint64 = iota + 1
	streamProducts
	streamPrices
	streamPromos
	streamSeries
	streamStock
	streamPreorders
	streamCapacity
	streamSubstitution
	streamPeaks
	streamReturns
)

// newRand returns the random stream for a purpose and an index.
func newRand(seed, purpose, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed^(purpose*0x9E3779B97F4A7C15), index*0xBF58476D1CE4E5B9+purpose))
}

// category describes the demand of a top-level product category.
type category struct {
	name        string
	departments []department
	priceMedian float64    // median regular price
	elasticity  float64    // mean price elasticity
	promosYear  float64    // promotions per product per year
	packs       []float64  // case sizes
	perishable  bool       // has a shelf life
	madeToOrder float64    // share of products made in the retailer's own factories (C2M)
	weekly      [7]float64 // store demand by weekday, Monday first
	baseShift   float64    // log shift of the base demand
}

type department struct {
	name      string
	yearlyAmp float64 // amplitude of the yearly season (log scale)
	peakDay   int     // day of the year demand peaks
	brands    []string
}

var categories = []category{
	{name: "Grocery", priceMedian: 3, elasticity: -1.6, promosYear: 8, packs: []float64{6, 12}, baseShift: 0.4,
		weekly: [7]float64{0.85, 0.85, 0.9, 0.95, 1.15, 1.35, 0.95},
		departments: []department{
			{"Pantry", 0.10, 350, []string{"Harvest Table", "Good Grain", "Store Brand"}},
			{"Beverages", 0.35, 196, []string{"Brookside", "Fizz & Co", "Store Brand"}},
			{"Snacks", 0.15, 354, []string{"Crunchline", "Golden Oak", "Store Brand"}},
		}},
	{name: "Fresh", priceMedian: 2.5, elasticity: -1.1, promosYear: 6, packs: []float64{1, 4}, perishable: true, baseShift: 0.5,
		weekly: [7]float64{0.9, 0.9, 0.95, 1.0, 1.2, 1.3, 0.75},
		departments: []department{
			{"Dairy", 0.05, 20, []string{"Meadow Farm", "Store Brand"}},
			{"Bakery", 0.10, 355, []string{"Morning Loaf", "Store Brand"}},
			{"Produce", 0.25, 182, []string{"Green Valley", "Store Brand"}},
		}},
	{name: "Home", priceMedian: 8, elasticity: -2.0, promosYear: 4, packs: []float64{4}, madeToOrder: 0.5, baseShift: -0.6,
		weekly: [7]float64{0.8, 0.8, 0.85, 0.9, 1.05, 1.45, 1.15},
		departments: []department{
			{"Cleaning", 0.15, 91, []string{"Sparkle", "Store Brand"}},
			{"Kitchen", 0.20, 344, []string{"Hearth", "Store Brand"}},
		}},
	{name: "Apparel", priceMedian: 20, elasticity: -2.4, promosYear: 3, packs: []float64{1}, madeToOrder: 1, baseShift: -1.0,
		weekly: [7]float64{0.7, 0.75, 0.8, 0.85, 1.1, 1.6, 1.2},
		departments: []department{
			{"Basics", 0.10, 244, []string{"Everyday", "Store Brand"}},
			{"Seasonal", 0.60, 166, []string{"Sunday Best", "Store Brand"}},
		}},
}

// Weekday profiles of the channels other than stores.
var (
	onlineWeekly  = [7]float64{1.15, 1.05, 1.0, 0.95, 0.9, 0.85, 1.1}
	instantWeekly = [7]float64{0.9, 0.9, 0.95, 1.0, 1.15, 1.1, 1.0}
)

var regionNames = []string{"North", "South", "East", "West", "Central", "Coast", "Highlands", "Lakes"}

type location struct {
	id, name, typ, region, dc string
	capacity                  float64
	zone                      string  // demand zone; "" for none
	handling                  float64 // cost of handling a unit shipped as a fulfilment node; 0 for none
	throughput                float64 // units a day received and shipped; 0 for unlimited
}

// zone is a demand zone: a region's urban stores and their customers, or
// the rest of the region.
type zone struct {
	id, name, region string
	urban            bool
	onlineShare      float64
}

// lane is a delivery lane from a fulfilment node to a zone.
type lane struct {
	node, zone  string
	hours, cost float64
}

type store struct {
	location
	region int
	size   float64 // demand multiplier
	urban  bool    // offers instant delivery
}

type product struct {
	index                    int
	sku, name, brand         string
	cat, dept                int
	cost, price              float64 // unit cost and first regular price (the reference price)
	pack                     float64
	shelfLife                int
	launch, end              series.Date // 0 when not set
	elasticity               float64
	featureLift, displayLift float64
	trend                    float64 // log growth per year
	yearlyAmp                float64
	peakDay                  int
	base                     float64 // mean units per store-day at the reference price, before season and weekday
	dispersion               float64 // negative-binomial size: variance = m + m^2/size
	source                   string  // factory or supplier that makes it
	madeToOrder              bool
	subcat                   int     // subcategory within the department
	transfer                 float64 // share of its walk-in demand that moves to its subcategory when it is out
}

type event struct {
	date   series.Date
	name   string
	kind   string
	region string // "*" for everywhere
	// store and online multipliers per category
	store, online [4]float64
}

type priceChange struct {
	from  series.Date
	price float64
}

type promo struct {
	id         string
	product    int
	start, end series.Date
	mechanic   string
	discount   float64
}

// retailer is the whole generated world before demand is simulated.
type retailer struct {
	cfg                  Config
	start, end, last     series.Date // first and last history day, last horizon day
	total                int         // history + horizon days
	dcs                  []location
	stores               []store
	online               location
	forwards             []location // forward warehouses, one per region
	zones                []zone
	lanes                []lane
	factories, suppliers []location
	products             []product
	events               []event
	prices               [][]priceChange // per product, by date
	promos               []promo
	closed               map[string]map[int]bool // store -> horizon days (indices) it is closed
	subcats              map[[3]int][]int        // (category, department, subcategory) -> products
	stockouts            *stockouts              // nil without Config.Stockouts
	peaks                []peakDay               // the peaks' occurrences, with Config.Peaks
	peakOn               []int8                  // by day: the peak event on it, or -1; nil without peaks
}

func buildRetailer(cfg Config) *retailer {
	r := &retailer{cfg: cfg, start: cfg.Start}
	r.end = cfg.Start + series.Date(cfg.Days-1)
	r.last = r.end + series.Date(cfg.Horizon)
	r.total = cfg.Days + cfg.Horizon
	r.buildLocations()
	r.buildProducts()
	r.buildSubstitution()
	r.buildThroughput()
	r.buildCalendar()
	r.buildPeaks()
	r.buildPrices()
	r.buildPromos()
	r.buildClosures()
	return r
}

// buildClosures closes every store on Christmas Day and the first store
// for a two-day refit, where those fall in the horizon: planned closures
// the store calendar (openings.csv) announces, on which no one buys.
func (r *retailer) buildClosures() {
	r.closed = map[string]map[int]bool{}
	shut := func(loc string, t int) {
		if t < r.cfg.Days || t >= r.total {
			return
		}
		if r.closed[loc] == nil {
			r.closed[loc] = map[int]bool{}
		}
		r.closed[loc][t] = true
	}
	for t := r.cfg.Days; t < r.total; t++ {
		if _, m, day := (r.start + series.Date(t)).YMD(); m == time.December && day == 25 {
			for _, st := range r.stores {
				shut(st.id, t)
			}
		}
	}
	if len(r.stores) > 0 && r.cfg.Horizon >= 12 {
		shut(r.stores[0].id, r.cfg.Days+9)
		shut(r.stores[0].id, r.cfg.Days+10)
	}
}

func (r *retailer) buildLocations() {
	cfg := r.cfg
	nRegions := min(len(regionNames), max(1, (cfg.Stores+4)/5))
	for i := 0; i < nRegions; i++ {
		r.dcs = append(r.dcs, location{id: fmt.Sprintf("DC%02d", i+1), name: regionNames[i] + " DC", typ: "dc",
			region: regionNames[i], capacity: float64(200_000 + 100_000*(i%3))})
	}
	rng := newRand(cfg.Seed, streamStores, 0)
	for i := 0; i < cfg.Stores; i++ {
		reg := i * nRegions / cfg.Stores
		size := math.Exp(rng.NormFloat64()*0.35 - 0.06)
		r.stores = append(r.stores, store{
			location: location{id: fmt.Sprintf("S%03d", i+1), name: fmt.Sprintf("%s %d", regionNames[reg], i+1), typ: "store",
				region: regionNames[reg], dc: r.dcs[reg].id, capacity: math.Round(20_000 * size * roomFor(cfg.SKUs))},
			region: reg, size: size, urban: rng.Float64() < 0.5,
		})
	}
	r.online = location{id: "WEB", name: "Online fulfilment", typ: "online", region: regionNames[0], dc: r.dcs[0].id, capacity: 100_000, handling: 0.1}
	r.buildNetwork()
	nFactories := min(10, max(2, cfg.SKUs/300))
	for i := 0; i < nFactories; i++ {
		r.factories = append(r.factories, location{id: fmt.Sprintf("F%02d", i+1), name: fmt.Sprintf("Factory %d", i+1), typ: "factory",
			region: regionNames[i%nRegions]})
	}
	for i := 0; i < 3; i++ {
		r.suppliers = append(r.suppliers, location{id: fmt.Sprintf("SUP%02d", i+1), name: fmt.Sprintf("Supplier %d", i+1), typ: "supplier"})
	}
}

// roomFor scales a store's capacity to the products it ranges: a store's
// room for the default 200, more for more.
func roomFor(skus int) float64 { return max(1, float64(skus)/200) }

// buildNetwork splits each region into an urban zone (its stores that
// offer instant delivery) and the rest, puts a forward warehouse in each
// region, and draws the lanes: a DC reaches its region's zones in a day
// and the others in two; a forward warehouse its urban zone within the
// hour and the rest of its region in six; the online fulfilment point
// every zone in a day and a half. Online orders come from each zone in
// proportion to its stores' size.
func (r *retailer) buildNetwork() {
	size := map[string]float64{}
	for i := range r.stores {
		st := &r.stores[i]
		kind, name := "R", "rest of "+st.location.region
		if st.urban {
			kind, name = "U", st.location.region+" city"
		}
		st.location.zone = fmt.Sprintf("Z%02d%s", st.region+1, kind)
		if _, ok := size[st.location.zone]; !ok {
			r.zones = append(r.zones, zone{id: st.location.zone, name: name, region: st.location.region, urban: st.urban})
		}
		size[st.location.zone] += st.size
	}
	sort.Slice(r.zones, func(a, b int) bool { return r.zones[a].id < r.zones[b].id })
	var total float64
	for _, s := range size {
		total += s
	}
	for i := range r.zones {
		r.zones[i].onlineShare = math.Round(1e4*size[r.zones[i].id]/total) / 1e4
	}
	for i := range r.dcs {
		r.dcs[i].handling = 0.03
		r.forwards = append(r.forwards, location{id: fmt.Sprintf("FW%02d", i+1), name: r.dcs[i].region + " forward warehouse", typ: "forward",
			region: r.dcs[i].region, dc: r.dcs[i].id, capacity: float64(4_000 * max(1, len(r.stores)/len(r.dcs))), handling: 0.08})
	}
	for _, z := range r.zones {
		for i, dc := range r.dcs {
			if dc.region == z.region {
				r.lanes = append(r.lanes, lane{node: dc.id, zone: z.id, hours: 24, cost: 0.15})
				f := r.forwards[i]
				if z.urban {
					r.lanes = append(r.lanes, lane{node: f.id, zone: z.id, hours: 1, cost: 0.12})
				} else {
					r.lanes = append(r.lanes, lane{node: f.id, zone: z.id, hours: 6, cost: 0.2})
				}
			} else {
				r.lanes = append(r.lanes, lane{node: dc.id, zone: z.id, hours: 48, cost: 0.22})
			}
		}
		r.lanes = append(r.lanes, lane{node: r.online.id, zone: z.id, hours: 36, cost: 0.3})
	}
	sort.Slice(r.lanes, func(a, b int) bool {
		if r.lanes[a].node != r.lanes[b].node {
			return r.lanes[a].node < r.lanes[b].node
		}
		return r.lanes[a].zone < r.lanes[b].zone
	})
}

func (r *retailer) buildProducts() {
	cfg := r.cfg
	// Departments share products about equally, so every level of the
	// hierarchy has members even for a small retailer.
	type deptRef struct{ cat, dept int }
	var depts []deptRef
	for c, cat := range categories {
		for d := range cat.departments {
			depts = append(depts, deptRef{c, d})
		}
	}
	for i := 0; i < cfg.SKUs; i++ {
		rng := newRand(cfg.Seed, streamProducts, uint64(i))
		ref := depts[i%len(depts)]
		cat := &categories[ref.cat]
		dept := &cat.departments[ref.dept]
		p := product{index: i, sku: fmt.Sprintf("SKU%05d", i+1), cat: ref.cat, dept: ref.dept}
		p.brand = dept.brands[rng.IntN(len(dept.brands))]
		p.name = fmt.Sprintf("%s %s %d", p.brand, dept.name, i+1)
		p.price = priceEnding(cat.priceMedian * math.Exp(rng.NormFloat64()*0.45))
		p.cost = math.Round(p.price*(0.45+0.25*rng.Float64())*100) / 100
		p.pack = cat.packs[rng.IntN(len(cat.packs))]
		if cat.perishable {
			p.shelfLife = 3 + rng.IntN(12)
		}
		p.elasticity = clamp(cat.elasticity+rng.NormFloat64()*0.35, -4, -0.3)
		p.featureLift = 1.2 + 0.4*rng.Float64()
		p.displayLift = 1.1 + 0.3*rng.Float64()
		p.trend = 0.02 + rng.NormFloat64()*0.12
		p.yearlyAmp = dept.yearlyAmp * (0.7 + 0.6*rng.Float64())
		p.peakDay = dept.peakDay + rng.IntN(21) - 10
		p.base = math.Exp(math.Log(1.2) + cat.baseShift + rng.NormFloat64()*1.1)
		p.dispersion = 1.5 + 8.5*rng.Float64()
		// A sixth of the range is new: launched during the history, with
		// its first sales then.
		if rng.Float64() < 0.15 {
			p.launch = r.start + series.Date(cfg.Days/3+rng.IntN(max(1, cfg.Days/2)))
		}
		// One in twenty products ends its life during the horizon, which
		// gives markdowns something to clear.
		if rng.Float64() < 0.05 {
			p.end = r.end + series.Date(1+rng.IntN(cfg.Horizon))
		}
		if rng.Float64() < cat.madeToOrder {
			p.madeToOrder = true
			p.source = r.factories[rng.IntN(len(r.factories))].id
		} else {
			p.source = r.suppliers[rng.IntN(len(r.suppliers))].id
		}
		r.products = append(r.products, p)
	}
}

// volume is one unit's volume in litres: a size typical of its category,
// spread over a factor of three from product to product (drawn from the
// product's index, so the other draws stay as they were).
func (p product) volume() float64 {
	typical := [...]float64{0.8, 0.5, 2.5, 1.5}[p.cat%4]
	return math.Round(typical*(0.5+float64(p.index*7919%100)/100)*100) / 100
}

// minFacings is the facings the product needs on a shelf: one, two for
// a fifth of the range, three for a tenth (from the index, as volume).
func (p product) minFacings() int {
	switch k := p.index * 6151 % 10; {
	case k == 0:
		return 3
	case k <= 2:
		return 2
	}
	return 1
}

// tier is the product's price tier against its category's median price.
func (p product) tier(median float64) string {
	switch {
	case p.price < 0.75*median:
		return "entry"
	case p.price > 1.5*median:
		return "premium"
	}
	return "core"
}

// priceEnding rounds a price to the retail endings .49 and .99.
func priceEnding(p float64) float64 {
	if p < 1 {
		return math.Max(0.49, math.Floor(p*10)/10+0.09)
	}
	whole := math.Floor(p)
	if p-whole < 0.5 {
		return whole + 0.49
	}
	return whole + 0.99
}

func clamp(x, lo, hi float64) float64 { return math.Min(hi, math.Max(lo, x)) }

// Category indexes in event multipliers.
const (
	catGrocery = iota
	catFresh
	catHome
	catApparel
)

func uniform(x float64) [4]float64 { return [4]float64{x, x, x, x} }

func (r *retailer) buildCalendar() {
	y0, _, _ := r.start.YMD()
	y1, _, _ := r.last.YMD()
	add := func(e event) {
		if e.date >= r.start && e.date <= r.last {
			if e.region == "" {
				e.region = "*"
			}
			r.events = append(r.events, e)
		}
	}
	one := uniform(1)
	for y := y0; y <= y1; y++ {
		day := func(m time.Month, d int) series.Date { return series.DateFromYMD(y, m, d) }
		add(event{date: day(1, 1), name: "New Year's Day", kind: "holiday", store: uniform(0.4), online: uniform(0.7)})
		add(event{date: day(2, 14), name: "Valentine's Day", kind: "cultural", store: [4]float64{1.05, 1.2, 1, 1.1}, online: one})
		easter := easterSunday(y)
		add(event{date: easter - 1, name: "Easter Saturday", kind: "holiday", store: [4]float64{1.3, 1.4, 1, 1}, online: one})
		add(event{date: easter, name: "Easter Sunday", kind: "holiday", store: uniform(0.5), online: uniform(0.9)})
		final := nthWeekday(y, time.July, time.Sunday, 2)
		add(event{date: final - 1, name: "Summer Final Eve", kind: "sporting", store: [4]float64{1.2, 1.05, 1, 1}, online: one})
		add(event{date: final, name: "Summer Final", kind: "sporting", store: [4]float64{1.4, 1.1, 1, 0.9}, online: one})
		thanksgiving := nthWeekday(y, time.November, time.Thursday, 4)
		add(event{date: thanksgiving + 1, name: "Black Friday", kind: "retail", store: [4]float64{1.1, 1, 1.8, 2.0}, online: [4]float64{1.2, 1, 2.5, 2.5}})
		add(event{date: thanksgiving + 4, name: "Cyber Monday", kind: "retail", store: one, online: [4]float64{1.1, 1, 1.8, 1.8}})
		for d := 17; d <= 23; d++ {
			add(event{date: day(12, d), name: "Christmas Shopping", kind: "retail", store: [4]float64{1.1, 1.1, 1.25, 1.3}, online: [4]float64{1.1, 1, 1.3, 1.3}})
		}
		add(event{date: day(12, 24), name: "Christmas Eve", kind: "holiday", store: [4]float64{1.6, 1.8, 1.2, 1.3}, online: uniform(0.8)})
		add(event{date: day(12, 25), name: "Christmas Day", kind: "holiday", store: uniform(0), online: uniform(0.3)})
		add(event{date: day(12, 26), name: "Boxing Day", kind: "holiday", store: [4]float64{0.9, 0.9, 1.4, 1.7}, online: [4]float64{1, 1, 1.3, 1.5}})
		add(event{date: day(12, 31), name: "New Year's Eve", kind: "holiday", store: [4]float64{1.4, 1.3, 1, 1}, online: one})
		for m := time.January; m <= time.December; m++ {
			add(event{date: lastWeekday(y, m, time.Friday), name: "Payday", kind: "payday", store: uniform(1.08), online: uniform(1.05)})
		}
		for i := range r.dcs {
			add(event{date: day(5, 20+12*i), name: r.dcs[i].region + " Festival", kind: "cultural", region: r.dcs[i].region,
				store: [4]float64{1.3, 1.3, 1, 1.1}, online: one})
		}
	}
	// Events on one day for one region compound; keep the file ordered.
	sortEvents(r.events)
}

// easterSunday computes Western Easter with the anonymous Gregorian
// algorithm (Meeus/Jones/Butcher).
func easterSunday(y int) series.Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return series.DateFromYMD(y, time.Month(month), day)
}

func nthWeekday(y int, m time.Month, wd time.Weekday, n int) series.Date {
	d := series.DateFromYMD(y, m, 1)
	for d.Weekday() != wd {
		d++
	}
	return d + series.Date(7*(n-1))
}

func lastWeekday(y int, m time.Month, wd time.Weekday) series.Date {
	d := series.DateFromYMD(y, m+1, 1) - 1
	for d.Weekday() != wd {
		d--
	}
	return d
}

func sortEvents(es []event) {
	slices.SortStableFunc(es, func(a, b event) int {
		return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.name, b.name), cmp.Compare(a.region, b.region))
	})
}

// buildPrices gives each product a few regular price changes over history
// and horizon, the later ones being the planned changes a forecast must use.
func (r *retailer) buildPrices() {
	r.prices = make([][]priceChange, len(r.products))
	for i, p := range r.products {
		rng := newRand(r.cfg.Seed, streamPrices, uint64(i))
		from := r.start
		if p.launch != 0 {
			from = p.launch
		}
		changes := []priceChange{{from: from, price: p.price}}
		until := r.last
		if p.end != 0 {
			until = p.end // no price change planned after the product's last day
		}
		n := poisson(rng, 1.5*float64(r.total)/365)
		var days []int
		for k := 0; k < n; k++ {
			days = append(days, 1+rng.IntN(max(1, int(until-from))))
		}
		slices.Sort(days)
		price := p.price
		for _, d := range days {
			at := from + series.Date(d)
			if at <= changes[len(changes)-1].from || at > until {
				continue
			}
			price = priceEnding(price * (1 + (rng.Float64()*0.27 - 0.12)))
			if price != changes[len(changes)-1].price {
				changes = append(changes, priceChange{from: at, price: price})
			}
		}
		r.prices[i] = changes
	}
}

// buildPromos plans week-long (apparel: fortnight-long) promotions starting
// on Mondays, never overlapping for one product.
func (r *retailer) buildPromos() {
	discounts := []float64{0.1, 0.15, 0.2, 0.2, 0.25, 0.3, 0.4}
	n := 0
	for i, p := range r.products {
		rng := newRand(r.cfg.Seed, streamPromos, uint64(i))
		cat := categories[p.cat]
		length := 7
		if p.cat == catApparel {
			length = 14
		}
		from := r.start
		if p.launch != 0 {
			from = p.launch + 28 // no promotion while the product ramps up
		}
		weeks := int(r.last-from) / 7
		if weeks < 2 {
			continue
		}
		count := poisson(rng, cat.promosYear*float64(weeks)/52)
		taken := map[int]bool{}
		var starts []int
		for k := 0; k < count; k++ {
			w := rng.IntN(weeks)
			// Leave a week between promotions of one product.
			if taken[w] || taken[w-1] || taken[w+1] || (length == 14 && (taken[w+2] || taken[w-2])) {
				continue
			}
			taken[w] = true
			if length == 14 {
				taken[w+1] = true
			}
			starts = append(starts, w)
		}
		slices.Sort(starts)
		for _, w := range starts {
			start := series.Weekly.PeriodStart(from) + series.Date(7*w)
			if start < from {
				start += 7
			}
			end := start + series.Date(length-1)
			if end > r.last || (p.end != 0 && end > p.end) {
				continue
			}
			mech := "tpr"
			switch u := rng.Float64(); {
			case u < 0.3:
				mech = "feature"
			case u < 0.45:
				mech = "display"
			}
			n++
			r.promos = append(r.promos, promo{id: fmt.Sprintf("PR%06d", n), product: i, start: start, end: end,
				mechanic: mech, discount: discounts[rng.IntN(len(discounts))]})
		}
	}
}

// poisson draws a Poisson count by inversion; the means here are small.
func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// seriesSeed hashes a series key into a stream index.
func seriesSeed(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}
