package allocation

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// AllocateAll runs the method on every problem with workers goroutines
// (GOMAXPROCS when 0). Results come back in the problems' order whatever
// the number of workers; the first error stops the run.
func AllocateAll(ctx context.Context, problems []Problem, m Method, workers int) ([]Allocation, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]Allocation, len(problems))
	errs := make([]error, len(problems))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < min(workers, max(1, len(problems))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(problems) || failed.Load() || ctx.Err() != nil {
					return
				}
				a, err := m.Allocate(&problems[i])
				if err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				out[i] = *a
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
