// Command assortment studies the store ranges the planner chooses, and
// writes README.md into its folder:
//
//	go run ./notebooks/assortment [-data ../shared/data]
//
// First on the synthetic retailer whose products run out of stock now
// and then, moving a known share of their demand to their subcategory
// (notebooks/assortment/study): the margin the planner's ranges earn on the
// true demand and transfer, beside an oracle's and the rule of thumb's,
// and the transfer shares estimated from the sales beside the truth.
// Then on dunnhumby's weekly sales of 28 products in 77 stores, with
// shelves room for three products in four: the stores' clusters, a
// range per store, and each product's estimated transfer share with its
// standard error.
package main

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/notebooks/assortment/study"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

func main() {
	out := flag.String("out", "notebooks/assortment", "folder for the report")
	data := flag.String("data", "../shared/data", "the shared data folder (dunnhumby)")
	flag.Parse()
	s := &notebook{ctx: context.Background(), data: *data}
	if err := s.synthetic(); err != nil {
		log.Fatal(err)
	}
	if err := s.dunnhumby(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "README.md"), []byte(s.b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

type notebook struct {
	ctx  context.Context
	data string
	b    strings.Builder
}

func (s *notebook) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// retailer is the synthetic study's: 10 stores, 320 products, two years
// of walk-in sales with 8 stock-outs a year of each product at each
// store.
var retailer = synth.Config{Stores: 10, SKUs: 320, Days: 730, Horizon: 28, Seed: 7, Channels: []string{synth.ChannelStore}, Stockouts: 8}

func (s *notebook) synthetic() error {
	dir, err := os.MkdirTemp("", "assortment-study")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	started := time.Now()
	res, err := study.Run(s.ctx, dir, retailer, config.DefaultForecast(), config.DefaultAssort())
	if err != nil {
		return err
	}
	s.printf("# Store ranges\n\nWritten by `go run ./notebooks/assortment` (%.0f s for the synthetic retailer).\n\n", time.Since(started).Seconds())
	s.printf("## The synthetic retailer, against the truth\n\n"+
		"%d stores and %d products (`synth.Config{Stores: %d, SKUs: %d, Days: %d, Stockouts: %g}`): two years of walk-in sales in which "+
		"each product runs out of stock at each store in %g spells of 3 to 10 days a year, selling none while its `transfer_share` "+
		"(drawn from 0.2 to 0.8) of its demand moves to the rest of its subcategory of 8 on the shelf, in proportion to their base demand. "+
		"The sales carry no mark of the spells. Each store has a shelf per category with room for about four fifths of the category's "+
		"products on their minimum facings.\n\n",
		retailer.Stores, retailer.SKUs, retailer.Stores, retailer.SKUs, retailer.Days, retailer.Stockouts, retailer.Stockouts)
	s.printf("The planner forecasts the sales (the default automatic model choice), estimates each product's transfer share from the " +
		"runs without a sale, and chooses every shelf's range as the nightly `assort` stage does (carry cost 5 over 28 days). " +
		"Each range is then priced on the truth: every product's true mean demand over the 28 days, its true transfer share, and " +
		"its subcategory as its substitutes. The oracle chooses with the truth (`assortment.Choose`, within 2%% of the best by " +
		"enumeration on small categories); the rule of thumb carries the must-carry products and then everything that fits, by the " +
		"store's sales over the last year.\n\n")
	s.printf("| Ranges over %d shelves | Margin on the truth | Of the oracle's |\n|---|---|---|\n", res.Shelves)
	for _, r := range []struct {
		name string
		v    float64
	}{{"Oracle (true demand and transfer)", res.Oracle}, {"Planner (forecasts, estimated shares)", res.Planner}, {"Everything that fits, by sales rank", res.ByRank}} {
		s.printf("| %s | %.0f | %.1f%% |\n", r.name, r.v, 100*r.v/res.Oracle)
	}
	var n, precise, covered int
	var absErr, preciseErr, bias float64
	for _, sh := range res.Shares {
		if sh.Default {
			continue
		}
		n++
		d := sh.Estimate - sh.Truth
		absErr += math.Abs(d)
		if math.Abs(d) <= 2*sh.SE {
			covered++
		}
		if sh.SE < 0.1 {
			precise++
			preciseErr += math.Abs(d)
			bias += d
		}
	}
	s.printf("\n### Transfer shares\n\n%d of %d products had enough days without them for an estimate (`assortment.EstimateShares`): "+
		"mean absolute error %.3f against the truth, %d (%.0f%%) within two standard errors. The %d estimates with a standard error "+
		"under 0.1 are off by %.3f on average, and %+.3f in the mean: the estimates run a little low. The stage draws each estimate "+
		"toward the section's share (0.45) by its precision, so the noisy ones move a range little.\n\n",
		n, len(res.Shares), absErr/float64(max(1, n)), covered, 100*float64(covered)/float64(max(1, n)), precise,
		preciseErr/float64(max(1, precise)), bias/float64(max(1, precise)))
	s.printf("| Product | True share | Estimate | Standard error | Days without it |\n|---|---|---|---|---|\n")
	for _, sh := range res.Shares {
		if !sh.Default && sh.SE < 0.1 {
			s.printf("| %s | %.2f | %.2f | %.3f | %d |\n", sh.SKU, sh.Truth, sh.Estimate, sh.SE, sh.Periods)
		}
	}
	s.printf("\n")
	return nil
}

// dunnhumby chooses each store's range of dunnhumby's 28 products, on
// shelves with room for three products in four of each category.
func (s *notebook) dunnhumby() error {
	dir := filepath.Join(s.data, "dunnhumby")
	if _, err := os.Stat(filepath.Join(dir, "transaction.csv.gz")); err != nil {
		s.printf("## dunnhumby\n\nSkipped: %s is not here.\n", dir)
		return nil
	}
	tmp, err := os.MkdirTemp("", "assortment-dunnhumby")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	shelves, err := writeShelves(dir, tmp)
	if err != nil {
		return err
	}
	products, err := writeProducts(dir, tmp)
	if err != nil {
		return err
	}
	store, err := datasets.Open(s.ctx, "", nil)
	if err != nil {
		return err
	}
	defer store.Close()
	m, err := files.ParseMapping("sku=upc_id,location=store_id,qty=units,date=week_end_date,promo=tpr_only,products.name=description," +
		"products.department=category,products.subcategory=sub_category,products.brand=manufacturer")
	if err != nil {
		return err
	}
	byTable := map[string]string{"sales": filepath.Join(dir, "transaction.csv.gz"), "products": products, "shelves": shelves}
	if _, err := store.Load(s.ctx, datasets.LoadOptions{Files: byTable, Map: m}); err != nil {
		return err
	}
	fcfg := config.DefaultForecast()
	fcfg.Freq, fcfg.Horizon = "W", 4
	fc, err := pipeline.Forecast(s.ctx, store, fcfg)
	if err != nil {
		return err
	}
	acfg := config.DefaultAssort()
	acfg.CarryCost = 2 // a slot on a shelf of snacks or mouthwash over four weeks
	chain, transfers, err := pipeline.AssortChain(s.ctx, store, &fc.Forecasts.Forecasts, acfg)
	if err != nil {
		return err
	}
	_, clusters, err := chain.Problems()
	if err != nil {
		return err
	}
	ranges, err := chain.Plan()
	if err != nil {
		return err
	}
	s.printf("## dunnhumby\n\n%d stores and %d products (%s): three years of weekly sales, forecast 4 weeks ahead (the default automatic "+
		"model choice, weekly). dunnhumby gives no shelves, so each store gets one per category with room for three of its products "+
		"in four (one facing each). The data gives no product prices nor costs: a product's price is taken as its median shelf price "+
		"(`base_price`) over the sales, and its margin as 40%% of that (the stage's rule without a cost); carrying one costs %g over the "+
		"4 weeks. Substitutes are the products of the same sub-category.\n\n",
		len(chain.Stores), len(chain.Products), categoriesOf(chain), acfg.CarryCost)
	// The clusters: their stores and sales mix.
	s.printf("### Clusters of stores\n\nThe stores are clustered by their mix of sales across the two categories (k-means, k = %d); where a store "+
		"does not sell a product, its cluster's sales of it, scaled to the store, are its demand.\n\n", acfg.Clusters)
	cats := slices.Sorted(maps.Keys(categorySet(chain)))
	s.printf("| Cluster | Stores |")
	for _, c := range cats {
		s.printf(" Share of %s |", strings.ToLower(c))
	}
	s.printf("\n|---|---|%s\n", strings.Repeat("---|", len(cats)))
	k := slices.Max(clusters) + 1
	for c := 0; c < k; c++ {
		n := 0
		mix := make([]float64, len(cats))
		var total float64
		for st, cl := range clusters {
			if cl != c {
				continue
			}
			n++
			for j, d := range chain.Demand[st] {
				if !math.IsNaN(d) {
					mix[slices.Index(cats, chain.Products[j].Category)] += d
					total += d
				}
			}
		}
		s.printf("| %d | %d |", c+1, n)
		for _, v := range mix {
			s.printf(" %.1f%% |", 100*v/total)
		}
		s.printf("\n")
	}
	// The ranges.
	adds, drops, carried := 0, 0, 0
	perStore := map[string][3]int{}
	for i, r := range ranges {
		if r.Err != nil {
			return r.Err
		}
		st := chain.Stores[chain.Shelves[i].Store]
		c := perStore[st]
		for _, l := range r.Lines {
			switch {
			case l.Change == assortment.Add:
				adds++
				c[1]++
			case l.Change == assortment.Drop:
				drops++
				c[2]++
			}
			if l.Carry {
				carried++
				c[0]++
			}
		}
		perStore[st] = c
	}
	s.printf("\n### Ranges\n\n%d shelves: %d products carried, %d added where a store did not sell them, %d dropped. The first 10 stores:\n\n",
		len(ranges), carried, adds, drops)
	s.printf("| Store | Cluster | Carried | Added | Dropped |\n|---|---|---|---|---|\n")
	for i, st := range chain.Stores[:min(10, len(chain.Stores))] {
		c := perStore[st]
		s.printf("| %s | %d | %d | %d | %d |\n", st, clusters[i]+1, c[0], c[1], c[2])
	}
	// The transfer shares.
	s.printf("\n### Transfer shares\n\nEstimated from the weeks each product sold none at a store while its sub-category sold there and a "+
		"week without a sale was unlikely at the product's rate of them (dunnhumby marks no stock-outs; `assortment.EstimateShares`), "+
		"with cluster-robust standard errors. \"Default\" is a product with fewer than %d such weeks, which takes the section's %.2f; the "+
		"stage plans with each estimate drawn toward %.2f by its precision (the last column).\n\n",
		assortment.MinMissingPeriods, acfg.Transfer, acfg.Transfer)
	s.printf("| Product | Sub-category | Estimate | Standard error | Weeks without it | Planned with |\n|---|---|---|---|---|---|\n")
	for _, p := range chain.Products {
		tr, ok := transfers[p.SKU]
		switch {
		case !ok || tr.Default:
			s.printf("| %s | %s | default | | %d | %.2f |\n", p.SKU, subcategory(p.Group), tr.Periods, acfg.Transfer)
		default:
			s.printf("| %s | %s | %.2f | %.3f | %d | %.2f |\n", p.SKU, subcategory(p.Group), tr.Share, tr.SE, tr.Periods, tr.Shrunk(acfg.Transfer))
		}
	}
	return nil
}

// writeShelves writes a shelves table for dunnhumby's stores: one shelf
// per store and category, with room for three of the category's
// products in four.
func writeShelves(dir, out string) (string, error) {
	products, err := readColumns(filepath.Join(dir, "product.csv"), "category")
	if err != nil {
		return "", err
	}
	stores, err := readColumns(filepath.Join(dir, "store.csv"), "store_id")
	if err != nil {
		return "", err
	}
	count := map[string]int{}
	for _, c := range products {
		count[c]++
	}
	var b strings.Builder
	b.WriteString("location,category,space,max_changes\n")
	for _, st := range stores {
		for _, c := range slices.Sorted(maps.Keys(count)) {
			fmt.Fprintf(&b, "%s,%s,%d,\n", st, c, (3*count[c]+3)/4)
		}
	}
	path := filepath.Join(out, "shelves.csv")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeProducts writes dunnhumby's products with a unit_price: each
// product's median shelf price over its sales.
func writeProducts(dir, out string) (string, error) {
	f, err := os.Open(filepath.Join(dir, "transaction.csv.gz"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return "", err
	}
	r := csv.NewReader(gz)
	header, err := r.Read()
	if err != nil {
		return "", err
	}
	upc, base := slices.Index(header, "upc_id"), slices.Index(header, "base_price")
	prices := map[string][]float64{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		if v, err := strconv.ParseFloat(rec[base], 64); err == nil && v > 0 {
			prices[rec[upc]] = append(prices[rec[upc]], v)
		}
	}
	pf, err := os.Open(filepath.Join(dir, "product.csv"))
	if err != nil {
		return "", err
	}
	defer pf.Close()
	recs, err := csv.NewReader(pf).ReadAll()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	id := slices.Index(recs[0], "upc_id")
	if err := w.Write(append(slices.Clone(recs[0]), "unit_price")); err != nil {
		return "", err
	}
	for _, rec := range recs[1:] {
		p := prices[rec[id]]
		slices.Sort(p)
		price := ""
		if len(p) > 0 {
			price = strconv.FormatFloat(p[len(p)/2], 'f', 2, 64)
		}
		if err := w.Write(append(slices.Clone(rec), price)); err != nil {
			return "", err
		}
	}
	w.Flush()
	path := filepath.Join(out, "products.csv")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// readColumns reads one column of a CSV file.
func readColumns(path, column string) ([]string, error) {
	t, err := files.ReadCSVTable(path, column)
	if err != nil {
		return nil, err
	}
	out := make([]string, t.Len())
	for i := range out {
		out[i] = t.Raw(i, column)
	}
	return out, nil
}

func categorySet(c *assortment.Chain) map[string]bool {
	out := map[string]bool{}
	for _, p := range c.Products {
		out[p.Category] = true
	}
	return out
}

func categoriesOf(c *assortment.Chain) string {
	var parts []string
	for _, cat := range slices.Sorted(maps.Keys(categorySet(c))) {
		n := 0
		for _, p := range c.Products {
			if p.Category == cat {
				n++
			}
		}
		parts = append(parts, fmt.Sprintf("%d in %s", n, strings.ToLower(cat)))
	}
	return strings.Join(parts, ", ")
}

// subcategory is a group's sub-category name (the stage's group is the
// department and the sub-category).
func subcategory(group string) string {
	if i := strings.IndexByte(group, 0); i >= 0 {
		return strings.ToLower(group[i+1:])
	}
	return strings.ToLower(group)
}
