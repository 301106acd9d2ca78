package metrics_test

import (
	"fmt"

	"github.com/planner-engine/planner/forecast/metrics"
)

// MASE scales the forecast's error by the in-sample error of the naive
// forecast (seasonal with period m): below 1 beats it.
func ExampleMASE() {
	insample := []float64{10, 12, 11, 13, 12}
	actual := []float64{13, 14}
	forecast := []float64{12.5, 13}
	fmt.Printf("MAE %.2f, MASE %.2f\n", metrics.MAE(actual, forecast), metrics.MASE(actual, forecast, insample, 1))
	// Output:
	// MAE 0.75, MASE 0.50
}
