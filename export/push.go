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
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/planner-engine/planner/internal/csvcell"
	"github.com/planner-engine/planner/internal/fsutil"
)

// PushPlan is one plan a run can push, with its file in the run's folder
// and its line id column.
type PushPlan struct {
	Name, File, IDColumn string
	// EditColumn is the column an approval's edit replaces.
	EditColumn string
	doc        *OutputFile
}

// PushPlans are the plans push knows, in the order it sends them; a run
// holds the ones its configuration makes.
func PushPlans() []PushPlan {
	return []PushPlan{
		{Name: "replenishment", File: "orders.csv", IDColumn: "order_id", EditColumn: "quantity", doc: &Outputs[0]},
		{Name: "allocation", File: "allocation.csv", IDColumn: "line_id", EditColumn: "quantity", doc: &allocationFile},
		{Name: "pricing", File: "prices.csv", IDColumn: "line_id", EditColumn: "new_price", doc: &pricesFile},
		{Name: "production", File: "production.csv", IDColumn: "order_id", EditColumn: "quantity", doc: &productionFile},
	}
}

// PushOptions say where and how plan lines go. Zero values mean the
// defaults of DefaultPushOptions.
type PushOptions struct {
	// Target is the ERP endpoint every batch is POSTed to.
	Target string
	// Token goes in the Authorization header as a bearer token; it is
	// never logged nor written anywhere, and never sent over plain http://
	// to another machine unless Insecure says so.
	Token string
	// Insecure allows the token over http:// to a host that is not this
	// machine (a test ERP on a private network).
	Insecure bool
	// Plans are the plan names to send (PushPlans); all the run has when
	// empty.
	Plans []string
	// Batch is the lines per request.
	Batch int
	// ApprovedOnly sends only the lines approvals.csv says yes to.
	ApprovedOnly bool
	// Timeout bounds one request.
	Timeout time.Duration
	// Attempts is how many times a batch is tried on 5xx answers and
	// timeouts before the push stops.
	Attempts int
	// Backoff is the first retry's base wait, doubled at each retry with
	// full jitter (a random wait between 0 and the base) and capped at
	// 30 s.
	Backoff time.Duration
	// Client sends the requests; a client with Timeout when nil. It never
	// follows redirects.
	Client *http.Client
	// Seed makes the jitter reproducible.
	Seed uint64
	// Progress is called after each batch with the lines done and the total.
	Progress func(done, total int)
	// Log receives a line per request (debug), per retry (warn) and per
	// push (info). The target is logged with its password masked and the
	// token never.
	Log *slog.Logger
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
	// retried); Accepted and Rejected what the ERP said, over this push and
	// the earlier ones; Retried the requests sent again after a 5xx answer
	// or a timeout; Skipped the lines an earlier push already delivered.
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
// and the batch's line ids.
//
// A journal in the run's folder (one per target) records every batch
// before it is sent (its key and lines) and every line's outcome once the
// ERP answers, each record synced to disk. A line with an outcome is
// never sent again, whatever the batches of a later push; a batch sent
// without an answer (a crash, a lost connection, a stop) is sent again
// first, with the same lines and the same key, so the ERP, which keeps
// keys, creates nothing twice. 5xx answers and timeouts are retried with
// exponential backoff and jitter. A 4xx answer rejects the batch's lines,
// which go with the server's answer to push-rejects.csv in the run's
// folder, and is never retried; a 2xx answer must be a JSON object, which
// may reject single lines as {"rejected": [{"line_id": ..., "error":
// ...}]}. Redirects are not followed: a 3xx answer (a login page, a moved
// API), or a 2xx answer that is not JSON, stops the push with its lines
// still to send.
func Send(ctx context.Context, runDir string, all []PlanLines, missing []string, o PushOptions) (*PushResult, error) {
	target, err := checkTarget(o.Target, o.Token, o.Insecure)
	if err != nil {
		return nil, err
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
	client := &http.Client{Timeout: o.Timeout}
	if o.Client != nil {
		c := *o.Client
		client = &c
	}
	// A redirected POST becomes a GET without its body whose answer (a
	// login page) says nothing of the lines: stop at the redirect.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if missing == nil {
		missing = []string{}
	}
	h := sha256.Sum256([]byte(target.Redacted()))
	res := &PushResult{State: filepath.Join(runDir, "push-"+hex.EncodeToString(h[:4])+".journal.jsonl"), MissingPlans: missing}
	j, err := openJournal(res.State)
	if err != nil {
		return nil, err
	}
	defer j.close()
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &sender{client: client, o: &o, target: target, rng: rand.New(rand.NewPCG(o.Seed, 0x9e3779b9)), res: res, j: j}
	for _, p := range all {
		res.Lines += len(p.Lines)
	}
	o.Log.Info("push started", "target", target.Redacted(), "lines", res.Lines, "batch", o.Batch, "journal", res.State)
	progress := 0
	for _, pl := range all {
		byID := make(map[string]PushLine, len(pl.Lines))
		for _, l := range pl.Lines {
			byID[l.ID] = l
		}
		// Batches sent before without an answer go again first, as they
		// were: the same lines under the same key.
		again := map[string]bool{}
		for _, open := range j.open(pl.Plan.Name) {
			batch := make([]PushLine, 0, len(open.Lines))
			for _, id := range open.Lines {
				l, ok := byID[id]
				if !ok {
					return res, fmt.Errorf("the push journal %s names line %s of %s, which the plan no longer holds: the run's files were changed after a push began", res.State, id, pl.Plan.Name)
				}
				batch = append(batch, l)
				again[id] = true
			}
			if err := s.send(ctx, pl.Plan.Name, open.Key, batch); err != nil {
				return res, s.stopped(runDir, pl.Plan.Name, batch, err)
			}
			progress += len(batch)
		}
		var todo []PushLine
		for _, l := range pl.Lines {
			if again[l.ID] {
				continue // counted as sent above
			}
			switch j.outcome(pl.Plan.Name, l.ID) {
			case accepted:
				res.Skipped++
				res.Accepted++
				progress++
			case rejected:
				res.Skipped++
				res.Rejected++
				progress++
			case pending:
				todo = append(todo, l)
			}
		}
		o.Log.Debug("plan", "plan", pl.Plan.Name, "lines", len(pl.Lines), "resent", len(again), "to_send", len(todo),
			"answered_before", len(pl.Lines)-len(again)-len(todo))
		for b := 0; b*o.Batch < len(todo); b++ {
			batch := todo[b*o.Batch : min(len(todo), (b+1)*o.Batch)]
			key := batchKey(target.Redacted(), pl.Plan.Name, batch)
			if err := j.sending(pl.Plan.Name, key, batch); err != nil {
				return res, err
			}
			if err := s.send(ctx, pl.Plan.Name, key, batch); err != nil {
				return res, s.stopped(runDir, pl.Plan.Name, batch, err)
			}
			progress += len(batch)
			if o.Progress != nil {
				o.Progress(progress, res.Lines)
			}
		}
	}
	if err := writeRejects(runDir, res, s.rejects); err != nil {
		return res, err
	}
	o.Log.Info("push finished", "lines", res.Lines, "sent", res.Sent, "accepted", res.Accepted, "rejected", res.Rejected,
		"skipped", res.Skipped, "retried", res.Retried)
	return res, nil
}

// checkTarget parses the target and refuses to send a token where it
// could be read on the way: over plain http:// to another machine, unless
// insecure.
func checkTarget(raw, token string, insecure bool) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("no target URL")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		shown := raw
		if err == nil {
			shown = u.Redacted()
		} else if i := strings.Index(raw, "@"); i >= 0 {
			shown = "..." + raw[i:]
		}
		return nil, fmt.Errorf("the target %q is not an http:// or https:// URL", shown)
	}
	if token != "" && u.Scheme == "http" && !loopback(u.Hostname()) && !insecure {
		return nil, fmt.Errorf("the token would cross the network unencrypted to %s: use https://, or --insecure for a test ERP on a network you trust", u.Redacted())
	}
	return u, nil
}

// loopback says whether a host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sender sends batches and counts what happens to their lines.
type sender struct {
	client  *http.Client
	o       *PushOptions
	target  *url.URL
	rng     *rand.Rand
	res     *PushResult
	j       *journal
	rejects []rejectLine
}

// stopped says where a push stopped; the rejects so far are written.
func (s *sender) stopped(runDir, plan string, batch []PushLine, err error) error {
	writeRejects(runDir, s.res, s.rejects)
	return fmt.Errorf("%s, the batch of %d lines from %s: %w; the push stopped here and sends this batch first when run again",
		plan, len(batch), batch[0].ID, err)
}

// send posts one batch until it gets an answer that is not a 5xx or a
// timeout, or runs out of attempts, and records its lines' outcomes.
func (s *sender) send(ctx context.Context, plan, key string, batch []PushLine) error {
	o := s.o
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
	where := s.target.Redacted()
	var lastErr error
	for attempt := 0; attempt < o.Attempts; attempt++ {
		if attempt > 0 {
			s.res.Retried++
			o.Log.Warn("batch sent again", "plan", plan, "key", key, "attempt", attempt+1, "after", lastErr.Error())
			// Full jitter (Brooks, "Exponential Backoff And Jitter", AWS
			// Architecture Blog, 2015): a uniform wait up to the doubled
			// base, so retries from many clients spread out.
			base := min(30*time.Second, o.Backoff<<(attempt-1))
			select {
			case <-time.After(time.Duration(s.rng.Int64N(int64(base) + 1))):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.target.String(), bytes.NewReader(body.Bytes()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		if o.Token != "" {
			req.Header.Set("Authorization", "Bearer "+o.Token)
		}
		began := time.Now()
		resp, err := s.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// The request was built from a valid URL, so a transport
			// error is the network's or the server's: a timeout, a
			// refused or dropped connection. The same batch goes again
			// under the same key.
			lastErr = fmt.Errorf("no answer from %s: %v", where, plainNetError(err, o.Token, s.target))
			continue
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		o.Log.Debug("batch", "plan", plan, "key", key, "lines", len(batch), "first", batch[0].ID, "attempt", attempt+1,
			"status", resp.StatusCode, "seconds", time.Since(began).Seconds())
		switch {
		case resp.StatusCode >= 500:
			lastErr = fmt.Errorf("%s answered %s", where, resp.Status)
			continue
		case resp.StatusCode >= 400:
			// The ERP refused the batch as sent: sending it again would
			// not help. Every line goes to the rejects with its answer.
			refused := map[string]string{}
			for _, l := range batch {
				refused[l.ID] = strings.TrimSpace(string(answer))
			}
			return s.record(plan, key, batch, refused, resp.Status)
		case resp.StatusCode >= 300:
			return fmt.Errorf("%s answered %s, a redirect%s: the lines were not delivered; point --target at the API itself",
				where, resp.Status, redirectTo(resp))
		case resp.StatusCode < 200:
			return fmt.Errorf("%s answered %s, which is no acknowledgement: the lines were not delivered", where, resp.Status)
		}
		var reply struct {
			Rejected []struct {
				LineID string          `json:"line_id"`
				Error  json.RawMessage `json:"error"`
			} `json:"rejected"`
		}
		trimmed := bytes.TrimSpace(answer)
		if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &reply) != nil {
			return fmt.Errorf("%s answered %s with %s, not the JSON object of an acknowledgement: the lines stay to be sent (is --target the API, not a web page?)",
				where, resp.Status, describeBody(resp.Header.Get("Content-Type"), trimmed))
		}
		in := map[string]bool{}
		for _, l := range batch {
			in[l.ID] = true
		}
		refused := map[string]string{}
		for _, r := range reply.Rejected {
			if in[r.LineID] {
				refused[r.LineID] = strings.Trim(string(r.Error), `"`)
			}
		}
		return s.record(plan, key, batch, refused, resp.Status)
	}
	return fmt.Errorf("%d attempts: %w", o.Attempts, lastErr)
}

// record journals a batch's answer and counts its lines.
func (s *sender) record(plan, key string, batch []PushLine, refused map[string]string, status string) error {
	if err := s.j.answered(plan, key, batch, refused); err != nil {
		return err
	}
	s.res.Sent += len(batch)
	for _, l := range batch {
		if msg, ok := refused[l.ID]; ok {
			s.res.Rejected++
			s.rejects = append(s.rejects, rejectLine{plan, l.ID, status, msg})
			continue
		}
		s.res.Accepted++
	}
	return nil
}

// redirectTo names where a redirect points, without credentials.
func redirectTo(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		return ""
	}
	return " to " + loc.Redacted()
}

// describeBody says what a body that is not an acknowledgement is.
func describeBody(contentType string, body []byte) string {
	switch {
	case len(body) == 0:
		return "an empty body"
	case strings.Contains(contentType, "html") || bytes.HasPrefix(bytes.ToLower(body), []byte("<!doctype html")) || bytes.HasPrefix(bytes.ToLower(body), []byte("<html")):
		return "an HTML page"
	case contentType != "":
		return "a body of type " + contentType
	}
	return "a body that is not JSON"
}

// plainNetError is a transport error's text without the token or the
// URL's credentials, should a transport ever quote them.
func plainNetError(err error, token string, target *url.URL) string {
	msg := err.Error()
	if token != "" {
		msg = strings.ReplaceAll(msg, token, "[token]")
	}
	if pw, ok := target.User.Password(); ok && pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	msg = strings.ReplaceAll(msg, target.String(), target.Redacted())
	return msg
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
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, fsutil.Mode())
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
		w.Write([]string{csvcell.Escape(r.plan), csvcell.Escape(r.id), csvcell.Escape(r.status), csvcell.Escape(r.answer)})
	}
	w.Flush()
	res.Rejects = path
	return w.Error()
}

// batchKey is the batch's idempotency key: the same target, plan and line
// ids give the same key.
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
// keep, when not nil, says which ids to send, and the value of the edit
// column to send for each ("" for the planned one): a merchandiser's
// edit. A line whose quantity is 0 is not a move and is not sent.
func (p PushPlan) LinesOf(file string, columns []string, rows [][]string, keep func(id string) (edit string, ok bool)) ([]PushLine, error) {
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
	qtyCol, editCol := slices.Index(columns, "quantity"), slices.Index(columns, p.EditColumn)
	var out []PushLine
	for n, rec := range rows {
		id := rec[idCol]
		if keep != nil {
			edit, ok := keep(id)
			if !ok {
				continue
			}
			if edit != "" && editCol >= 0 && editCol < len(rec) {
				rec = slices.Clone(rec)
				rec[editCol] = edit
			}
		}
		if qtyCol >= 0 && qtyCol < len(rec) {
			if q, err := strconv.ParseFloat(rec[qtyCol], 64); err == nil && q == 0 {
				continue
			}
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
