package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// PushPlan is one plan a run can push, with its file in the run's folder
// and its line id column.
type PushPlan struct {
	Name, File, IDColumn string
	doc                  *OutputFile
}

// PushPlans are the plans push knows, in the order it sends them; a run
// holds the ones its configuration makes.
func PushPlans() []PushPlan {
	return []PushPlan{
		{Name: "replenishment", File: "orders.csv", IDColumn: "order_id", doc: &Outputs[0]},
		{Name: "allocation", File: "allocation.csv", IDColumn: "line_id", doc: &allocationFile},
		{Name: "pricing", File: "prices.csv", IDColumn: "line_id", doc: &pricesFile},
		{Name: "production", File: "production.csv", IDColumn: "order_id", doc: &productionFile},
	}
}

// PushOptions say where and how plan lines go. Zero values mean the
// defaults noted.
type PushOptions struct {
	// Target is the ERP endpoint every batch is POSTed to.
	Target string
	// Token goes in the Authorization header as a bearer token; it is
	// never logged nor written anywhere.
	Token string
	// Plans are the plan names to send (PushPlans); all the run has when
	// empty.
	Plans []string
	// Batch is the lines per request; 500 when 0.
	Batch int
	// ApprovedOnly sends only the lines approvals.csv says yes to.
	ApprovedOnly bool
	// Timeout bounds one request; 30 s when 0.
	Timeout time.Duration
	// Attempts is how many times a batch is tried on 5xx answers and
	// timeouts before the push stops; 6 when 0.
	Attempts int
	// Backoff is the first retry's base wait, doubled at each retry with
	// full jitter (a random wait between 0 and the base) and capped at
	// 30 s; 500 ms when 0.
	Backoff time.Duration
	// Client sends the requests; a client with Timeout when nil.
	Client *http.Client
	// Seed makes the jitter reproducible.
	Seed uint64
	// Progress is called after each batch with the lines done and the total.
	Progress func(done, total int)
}

// DefaultPushOptions are the push's defaults: batches of 500 lines, 30 s
// a request, 6 tries of a batch, a first backoff of 500 ms.
func DefaultPushOptions() PushOptions {
	return PushOptions{Batch: 500, Timeout: 30 * time.Second, Attempts: 6, Backoff: 500 * time.Millisecond}
}

// PushResult counts what happened to the lines, the JSON planner push
// prints.
type PushResult struct {
	// Lines is how many lines were to be sent; Sent how many went out in a
	// request that got an answer (each counted once, however often it was
	// retried); Accepted and Rejected what the ERP said; Retried the
	// requests sent again after a 5xx answer or a timeout; Skipped the
	// lines a previous, interrupted push already delivered.
	Lines    int    `json:"lines"`
	Sent     int    `json:"sent"`
	Accepted int    `json:"accepted"`
	Retried  int    `json:"retried"`
	Rejected int    `json:"rejected"`
	Skipped  int    `json:"skipped"`
	Rejects  string `json:"rejects_file,omitempty"`
	State    string `json:"state_file"`
	// MissingPlans are plans asked for that the run does not hold.
	MissingPlans []string `json:"missing_plans"`
}

// batchState is one finished batch, a line of the push's state file.
type batchState struct {
	Plan     string   `json:"plan"`
	Batch    int      `json:"batch"`
	Key      string   `json:"idempotency_key"`
	Accepted int      `json:"accepted"`
	Rejected []string `json:"rejected,omitempty"`
}

// PlanLines are one plan's lines to send, read from its file in the run's
// folder (LinesOf builds them).
type PlanLines struct {
	Plan  PushPlan
	Lines []PushLine
}

// PushLine is one plan line as a request carries it: its id, and the JSON
// object of its columns.
type PushLine struct {
	ID   string
	JSON json.RawMessage
}

// Send sends a run's plan lines to an ERP's HTTP API in batches: each a
// POST of {"plan": name, "lines": [...]} whose every line carries its
// line_id, with an Idempotency-Key header derived from the target, plan
// and the batch's line ids, so that the same batch always has the same key
// and a retry, or a push resumed after a crash, never creates an order
// twice. 5xx answers and timeouts are retried with exponential backoff and
// jitter; a 4xx answer rejects the batch's lines, which go with the
// server's answer to push-rejects.csv in the run's folder, and is never
// retried. A 2xx answer may reject single lines as
// {"rejected": [{"line_id": ..., "error": ...}]}. Each finished batch is
// appended to a state file in the run's folder (one per target), so a push
// that stopped resumes where it stopped.
func Send(ctx context.Context, runDir string, all []PlanLines, missing []string, o PushOptions) (*PushResult, error) {
	if o.Target == "" {
		return nil, errors.New("no target URL")
	}
	if !strings.HasPrefix(o.Target, "http://") && !strings.HasPrefix(o.Target, "https://") {
		return nil, fmt.Errorf("the target %q is not an http:// or https:// URL", o.Target)
	}
	d := DefaultPushOptions()
	if o.Batch <= 0 {
		o.Batch = d.Batch
	}
	if o.Timeout <= 0 {
		o.Timeout = d.Timeout
	}
	if o.Attempts <= 0 {
		o.Attempts = d.Attempts
	}
	if o.Backoff <= 0 {
		o.Backoff = d.Backoff
	}
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: o.Timeout}
	}
	if missing == nil {
		missing = []string{}
	}
	h := sha256.Sum256([]byte(o.Target))
	res := &PushResult{State: filepath.Join(runDir, "push-"+hex.EncodeToString(h[:4])+".state.jsonl"), MissingPlans: missing}
	done, err := readPushState(res.State)
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		res.Lines += len(p.Lines)
	}
	state, err := os.OpenFile(res.State, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot keep the push's state in %s: %w", runDir, err)
	}
	defer state.Close()
	var rejects []rejectLine
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b9))
	progress := 0
	for _, pl := range all {
		for b := 0; b*o.Batch < len(pl.Lines); b++ {
			batch := pl.Lines[b*o.Batch : min(len(pl.Lines), (b+1)*o.Batch)]
			key := batchKey(o.Target, pl.Plan.Name, batch)
			if prev, ok := done[key]; ok {
				res.Skipped += len(batch)
				res.Accepted += prev.Accepted
				res.Rejected += len(prev.Rejected)
				progress += len(batch)
				continue
			}
			st, rej, err := sendBatch(ctx, client, &o, rng, pl.Plan.Name, b, key, batch, res)
			if err != nil {
				writeRejects(runDir, res, rejects)
				return res, fmt.Errorf("%s batch %d (lines %d to %d): %w; the push stopped here and resumes from this batch when run again",
					pl.Plan.Name, b+1, b*o.Batch+1, b*o.Batch+len(batch), err)
			}
			rejects = append(rejects, rej...)
			res.Sent += len(batch)
			res.Accepted += st.Accepted
			res.Rejected += len(st.Rejected)
			line, _ := json.Marshal(st)
			if _, err := state.Write(append(line, '\n')); err != nil {
				return res, fmt.Errorf("recording batch %d in %s: %w", b+1, res.State, err)
			}
			if err := state.Sync(); err != nil {
				return res, err
			}
			progress += len(batch)
			if o.Progress != nil {
				o.Progress(progress, res.Lines)
			}
		}
	}
	if err := writeRejects(runDir, res, rejects); err != nil {
		return res, err
	}
	return res, nil
}

// rejectLine is one line the ERP refused, with its answer.
type rejectLine struct {
	plan, id, status, answer string
}

func writeRejects(runDir string, res *PushResult, rejects []rejectLine) error {
	if len(rejects) == 0 {
		return nil
	}
	path := filepath.Join(runDir, "push-rejects.csv")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write the rejected lines to %s: %w", path, err)
	}
	defer f.Close()
	info, _ := f.Stat()
	w := csv.NewWriter(f)
	if info != nil && info.Size() == 0 {
		w.Write([]string{"plan", "line_id", "status", "answer"})
	}
	for _, r := range rejects {
		w.Write([]string{r.plan, r.id, r.status, r.answer})
	}
	w.Flush()
	res.Rejects = path
	return w.Error()
}

// sendBatch posts one batch until it gets an answer that is not a 5xx or
// a timeout, or runs out of attempts.
func sendBatch(ctx context.Context, client *http.Client, o *PushOptions, rng *rand.Rand, plan string, b int, key string,
	batch []PushLine, res *PushResult) (batchState, []rejectLine, error) {
	var body bytes.Buffer
	body.WriteString(`{"plan":`)
	name, _ := json.Marshal(plan)
	body.Write(name)
	body.WriteString(`,"lines":[`)
	for i, l := range batch {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(l.JSON)
	}
	body.WriteString("]}")
	st := batchState{Plan: plan, Batch: b, Key: key}
	var lastErr error
	for attempt := 0; attempt < o.Attempts; attempt++ {
		if attempt > 0 {
			res.Retried++
			// Full jitter (Brooks, "Exponential Backoff And Jitter", AWS
			// Architecture Blog, 2015): a uniform wait up to the doubled
			// base, so retries from many clients spread out.
			base := min(30*time.Second, o.Backoff<<(attempt-1))
			select {
			case <-time.After(time.Duration(rng.Int64N(int64(base) + 1))):
			case <-ctx.Done():
				return st, nil, ctx.Err()
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.Target, bytes.NewReader(body.Bytes()))
		if err != nil {
			return st, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		if o.Token != "" {
			req.Header.Set("Authorization", "Bearer "+o.Token)
		}
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return st, nil, ctx.Err()
			}
			// The request was built from a valid URL, so a transport
			// error is the network's or the server's: a timeout, a
			// refused or dropped connection. The same batch goes again
			// under the same key.
			lastErr = fmt.Errorf("no answer from %s: %v", o.Target, redact(err, o.Token))
			continue
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		switch {
		case resp.StatusCode >= 500:
			lastErr = fmt.Errorf("%s answered %s", o.Target, resp.Status)
			continue
		case resp.StatusCode >= 400:
			// The ERP refused the batch as sent: sending it again would
			// not help. Every line goes to the rejects with its answer.
			var rej []rejectLine
			for _, l := range batch {
				st.Rejected = append(st.Rejected, l.ID)
				rej = append(rej, rejectLine{plan, l.ID, resp.Status, strings.TrimSpace(string(answer))})
			}
			return st, rej, nil
		}
		var reply struct {
			Rejected []struct {
				LineID string          `json:"line_id"`
				Error  json.RawMessage `json:"error"`
			} `json:"rejected"`
		}
		_ = json.Unmarshal(answer, &reply)
		in := map[string]bool{}
		for _, l := range batch {
			in[l.ID] = true
		}
		var rej []rejectLine
		for _, r := range reply.Rejected {
			if in[r.LineID] {
				st.Rejected = append(st.Rejected, r.LineID)
				rej = append(rej, rejectLine{plan, r.LineID, resp.Status, strings.Trim(string(r.Error), `"`)})
				in[r.LineID] = false
			}
		}
		st.Accepted = len(batch) - len(st.Rejected)
		return st, rej, nil
	}
	return st, nil, fmt.Errorf("%d attempts: %w", o.Attempts, lastErr)
}

// redact removes the token from an error's text, should a transport ever
// quote a header.
func redact(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "[token]"))
}

// batchKey is the batch's idempotency key: the same target, plan and line
// ids give the same key, in this push or a resumed one.
func batchKey(target, plan string, batch []PushLine) string {
	h := sha256.New()
	io.WriteString(h, target+"\x00"+plan)
	for _, l := range batch {
		io.WriteString(h, "\x00"+l.ID)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// LinesOf turns a plan file's rows (its columns in file order) into
// request lines: every column under its name (numbers as numbers, empty
// nullable numbers as null) and line_id, the plan's id column's value.
// keep, when not nil, says which ids to send.
func (p PushPlan) LinesOf(file string, columns []string, rows [][]string, keep func(id string) bool) ([]PushLine, error) {
	types := map[string]string{}
	if p.doc != nil {
		for _, c := range p.doc.Columns {
			types[c.Name] = c.Type
		}
	}
	idCol := -1
	for i, h := range columns {
		if h == p.IDColumn {
			idCol = i
		}
	}
	if idCol < 0 {
		return nil, fmt.Errorf("%s: no %s column; is it the plan file a run wrote?", file, p.IDColumn)
	}
	var out []PushLine
	for n, rec := range rows {
		id := rec[idCol]
		if keep != nil && !keep(id) {
			continue
		}
		var b bytes.Buffer
		b.WriteString(`{"line_id":`)
		v, _ := json.Marshal(id)
		b.Write(v)
		for i, h := range columns {
			if h == "line_id" || i >= len(rec) {
				continue
			}
			b.WriteByte(',')
			k, _ := json.Marshal(h)
			b.Write(k)
			b.WriteByte(':')
			if types[h] == NullableNumber && rec[i] == "" {
				b.WriteString("null")
				continue
			}
			if (types[h] == "number" || types[h] == "integer" || types[h] == NullableNumber) && rec[i] != "" {
				if _, err := strconv.ParseFloat(rec[i], 64); err != nil || !json.Valid([]byte(rec[i])) {
					return nil, fmt.Errorf("%s row %d, column %s: %q is not a number", file, n+1, h, rec[i])
				}
				b.WriteString(rec[i])
				continue
			}
			s, _ := json.Marshal(rec[i])
			b.Write(s)
		}
		b.WriteByte('}')
		out = append(out, PushLine{ID: id, JSON: json.RawMessage(b.Bytes())})
	}
	return out, nil
}

// readPushState reads the batches an earlier push to the same target
// finished, by idempotency key.
func readPushState(path string) (map[string]batchState, error) {
	out := map[string]batchState{}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for i, line := range bytes.Split(raw, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var st batchState
		if err := json.Unmarshal(line, &st); err != nil {
			// A crash mid-write leaves at most a torn last line: that
			// batch is simply sent again, under the same key.
			if i == len(bytes.Split(raw, []byte("\n")))-1 {
				continue
			}
			return nil, fmt.Errorf("%s line %d: damaged push state: %w", path, i+1, err)
		}
		out[st.Key] = st
	}
	return out, nil
}
