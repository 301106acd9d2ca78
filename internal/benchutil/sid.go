package benchutil

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/planner-engine/planner/series"
)

// StoreItemDemand reads the shared Store Item Demand sales
// (store-item-demand/train.csv.gz: date,store,item,sales, 500 daily series)
// into a Panel in memory, as planner load with --map
// qty=sales,location=store,sku=item and the database's reader would give
// it: one series per item and store, sorted by item then store as text.
// The benchmark skips when the shared data is absent.
func StoreItemDemand(b testing.TB) *series.Panel {
	path := SharedData(b, "store-item-demand/train.csv.gz")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	r := csv.NewReader(zr)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		b.Fatal(err)
	}
	type row struct {
		day series.Date
		qty float64
	}
	bySeries := map[series.Key][]row{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		d, err := series.ParseDate(rec[0])
		if err != nil {
			b.Fatal(err)
		}
		q, err := strconv.ParseFloat(rec[3], 64)
		if err != nil {
			b.Fatal(err)
		}
		k := series.Key{SKU: rec[2], Location: rec[1], Channel: "store"}
		bySeries[k] = append(bySeries[k], row{d, q})
	}
	keys := make([]series.Key, 0, len(bySeries))
	for k := range bySeries {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].SKU != keys[j].SKU {
			return keys[i].SKU < keys[j].SKU
		}
		return keys[i].Location < keys[j].Location
	})
	p := &series.Panel{Freq: series.Daily}
	for _, k := range keys {
		rows := bySeries[k]
		sort.Slice(rows, func(i, j int) bool { return rows[i].day < rows[j].day })
		y := make([]float64, int(rows[len(rows)-1].day-rows[0].day)+1)
		for _, x := range rows {
			y[x.day-rows[0].day] += x.qty
		}
		p.Append(k, rows[0].day, y)
	}
	return p
}
