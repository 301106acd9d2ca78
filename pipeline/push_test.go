package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// erp is an ERP's order API on loopback that misbehaves on purpose: some
// batches first get a 503, some are processed but answered too late for
// the client (the answer is lost), lines for SKU000013 are refused one by
// one, and a batch holding SKU000042 is refused whole with a 422. It keeps
// idempotency keys as real APIs do: a key it has answered gets the same
// answer again and creates nothing.
type erp struct {
	t        *testing.T
	token    string
	mu       sync.Mutex
	answers  map[string][]byte // by idempotency key
	attempts map[string]int
	created  map[string]int // line_id -> times created
	requests int
	down     bool // every request gets a 503
	slow     time.Duration
}

func newERP(t *testing.T) *erp {
	return &erp{t: t, token: "s3cret-token", answers: map[string][]byte{}, attempts: map[string]int{}, created: map[string]int{}, slow: 300 * time.Millisecond}
}

func (e *erp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.requests++
	if r.Header.Get("Authorization") != "Bearer "+e.token {
		e.mu.Unlock()
		http.Error(w, "no token", http.StatusUnauthorized)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if e.down || key == "" {
		e.mu.Unlock()
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if answer, ok := e.answers[key]; ok {
		e.mu.Unlock()
		w.Write(answer)
		return
	}
	e.attempts[key]++
	first := e.attempts[key] == 1
	var req struct {
		Plan  string                   `json:"plan"`
		Lines []map[string]interface{} `json:"lines"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		e.mu.Unlock()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	kind := key[0] % 4 // a property of the batch, the same on every attempt
	if first && kind == 0 {
		e.mu.Unlock()
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	for _, l := range req.Lines {
		if l["sku"] == "SKU000042" {
			e.mu.Unlock()
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error":"SKU000042 is blocked"}`)
			return
		}
	}
	var rejected []map[string]string
	for _, l := range req.Lines {
		id := l["line_id"].(string)
		if l["sku"] == "SKU000013" {
			rejected = append(rejected, map[string]string{"line_id": id, "error": "unknown supplier"})
			continue
		}
		e.created[id]++
	}
	answer, _ := json.Marshal(map[string]any{"rejected": rejected})
	e.answers[key] = answer
	e.mu.Unlock()
	if first && kind == 1 {
		// Processed, but the answer comes after the client gave up.
		time.Sleep(e.slow)
	}
	w.Write(answer)
}

func (e *erp) duplicates() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, c := range e.created {
		if c > 1 {
			n += c - 1
		}
	}
	return n
}

func pushRun(t *testing.T, lines int) string {
	dir := t.TempDir()
	require.NoError(t, export.WriteOrders(filepath.Join(dir, "orders.csv"), planLines(lines)))
	return dir
}

func TestPushLosesNothingAndSendsNothingTwice(t *testing.T) {
	dir := pushRun(t, 2000)
	e := newERP(t)
	srv := httptest.NewServer(e)
	defer srv.Close()
	o := PushOptions{Target: srv.URL + "/orders", Token: e.token, Batch: 100, Timeout: 100 * time.Millisecond, Backoff: time.Millisecond}
	res, err := Push(context.Background(), dir, o)
	require.NoError(t, err)
	t.Logf("lines %d, sent %d, accepted %d, retried %d, rejected %d, duplicates %d, requests %d",
		res.Lines, res.Sent, res.Accepted, res.Retried, res.Rejected, e.duplicates(), e.requests)
	assert.Equal(t, 2000, res.Lines)
	assert.Equal(t, 2000, res.Sent)
	// The run has orders only: the other plans are reported missing.
	assert.Equal(t, []string{"allocation", "pricing", "production"}, res.MissingPlans)
	assert.Equal(t, 0, e.duplicates(), "no line created twice")
	assert.Equal(t, res.Lines, res.Accepted+res.Rejected, "every line accepted or rejected")
	assert.Equal(t, res.Accepted, len(e.created))
	assert.Greater(t, res.Retried, 0)
	// SKU000013's 10 lines refused one by one; SKU000042's batch whole.
	assert.Equal(t, 10+100, res.Rejected)
	raw, err := os.ReadFile(filepath.Join(dir, "push-rejects.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "unknown supplier")
	assert.Contains(t, string(raw), "SKU000042 is blocked")
	assert.Equal(t, 1+110, strings.Count(string(raw), "\n"))

	// The token is in no file of the run.
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, en.Name()))
		assert.NotContains(t, string(b), e.token, en.Name())
	}

	// Pushing the same run again sends nothing: every batch is done.
	before := e.requests
	again, err := Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, before, e.requests)
	assert.Equal(t, 2000, again.Skipped)
	assert.Equal(t, res.Accepted, again.Accepted)
}

func TestPushResumesWhereItStopped(t *testing.T) {
	dir := pushRun(t, 1000)
	e := newERP(t)
	srv := httptest.NewServer(e)
	defer srv.Close()
	o := PushOptions{Target: srv.URL, Token: e.token, Batch: 100, Timeout: time.Second, Backoff: time.Millisecond, Attempts: 3,
		Progress: func(done, total int) {
			if done == 400 {
				e.mu.Lock()
				e.down = true // the ERP goes down after four batches
				e.mu.Unlock()
			}
		}}
	res, err := Push(context.Background(), dir, o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the push stopped here and sends this batch first when run again")
	assert.Equal(t, 400, res.Sent)

	e.mu.Lock()
	e.down = false
	e.mu.Unlock()
	o.Progress = nil
	res, err = Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, 400, res.Skipped)
	assert.Equal(t, 600, res.Sent)
	assert.Equal(t, 0, e.duplicates())
	assert.Equal(t, 1000, res.Accepted+res.Rejected)
	assert.Equal(t, 1000-10-100, len(e.created))
}

func TestPushRefusesWhatItCannotSend(t *testing.T) {
	dir := pushRun(t, 10)
	// Nothing answers on this port.
	l := httptest.NewServer(http.NotFoundHandler())
	url := l.URL
	l.Close()
	res, err := Push(context.Background(), dir, PushOptions{Target: url, Attempts: 2, Backoff: time.Millisecond, Timeout: 200 * time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no answer from "+url)
	assert.Zero(t, res.Sent)

	_, err = Push(context.Background(), dir, PushOptions{Target: "ftp://erp"})
	assert.ErrorContains(t, err, "not an http")
	_, err = Push(context.Background(), dir, PushOptions{Target: url, Plans: []string{"allocation"}})
	assert.ErrorContains(t, err, "holds none of the plans asked for (allocation)")
	_, err = Push(context.Background(), dir, PushOptions{Target: url, Plans: []string{"invoices"}})
	assert.ErrorContains(t, err, `unknown plan "invoices"`)
	_, err = Push(context.Background(), dir, PushOptions{Target: url, ApprovedOnly: true})
	assert.ErrorContains(t, err, "planner import-approvals")
	// A wrong token is a 4xx: refused, not retried.
	e := newERP(t)
	srv := httptest.NewServer(e)
	defer srv.Close()
	res, err = Push(context.Background(), dir, PushOptions{Target: srv.URL, Token: "wrong", Backoff: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 10, res.Rejected)
	assert.Equal(t, 0, res.Retried)
	assert.Equal(t, 1, e.requests)
}

func TestPushSendsOnlyApprovedLines(t *testing.T) {
	dir := pushRun(t, 30)
	lines := planLines(30)
	require.NoError(t, export.WriteApprovals(filepath.Join(dir, "approvals.csv"), []export.Approval{
		{Plan: "orders", LineID: lines[3].ID, Decision: "yes"}, {Plan: "orders", LineID: lines[4].ID, Decision: "no"},
		{Plan: "orders", LineID: lines[5].ID, Decision: "yes"}}))
	e := newERP(t)
	srv := httptest.NewServer(e)
	defer srv.Close()
	res, err := Push(context.Background(), dir, PushOptions{Target: srv.URL, Token: e.token, ApprovedOnly: true, Backoff: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Lines)
	assert.Equal(t, map[string]int{lines[3].ID: 1, lines[5].ID: 1}, e.created)
}

// planLines are n order lines, ten per SKU, every 97th with an exception.
func planLines(n int) []replenish.Line {
	day := series.MustParseDate("2026-03-02")
	lines := make([]replenish.Line, n)
	for i := range lines {
		l := &lines[i]
		l.SKU, l.From, l.To = fmt.Sprintf("SKU%06d", i/10), fmt.Sprintf("DC%d", i%3), fmt.Sprintf("S%04d", i%1000)
		l.Transfer = i%50 != 0
		l.Qty = float64(6 * (1 + i%7))
		l.UnitCost = 1.25 + float64(i%100)/10
		l.Policy = "order-up-to"
		l.Reason = fmt.Sprintf("inventory position %d < order-up-to level %d", i%13, 20+i%13)
		l.Class, l.Target = "AX", replenish.Target{Level: 0.95, Type: replenish.FillRate}
		l.OrderDate, l.ReceiptDate = day, day+2
		l.ID = fmt.Sprintf("TO-%012x", i)
		if i%97 == 0 {
			l.Exception = "DC stock short"
		}
	}
	return lines
}

// A line the ERP has answered for is never sent again, whatever the
// batches of a later push.
func TestPushNeverSendsALineTwiceWhateverTheBatches(t *testing.T) {
	dir := pushRun(t, 461)
	e := newERP(t)
	e.slow = 0
	srv := httptest.NewServer(e)
	defer srv.Close()
	o := PushOptions{Target: srv.URL, Token: e.token, Batch: 100, Backoff: time.Millisecond}
	first, err := Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, 461, first.Sent)
	before := e.requests
	o.Batch = 50
	again, err := Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, 0, again.Sent)
	assert.Equal(t, 461, again.Skipped)
	assert.Equal(t, before, e.requests, "no request at all")
	assert.Equal(t, first.Accepted, again.Accepted)
	assert.Equal(t, first.Rejected, again.Rejected)
	assert.Equal(t, 0, e.duplicates())

	// Approved lines pushed as they are approved: 10, then those 10 and
	// 5 more; only the 5 go the second time.
	dir = pushRun(t, 30)
	lines := planLines(30)
	approve := func(n int) {
		var a []export.Approval
		for _, l := range lines[:n] {
			a = append(a, export.Approval{Plan: "orders", LineID: l.ID, SKU: l.SKU, From: l.From, To: l.To, Decision: "yes"})
		}
		require.NoError(t, export.WriteApprovals(filepath.Join(dir, "approvals.csv"), a))
	}
	e = newERP(t)
	e.slow = 0
	srv2 := httptest.NewServer(e)
	defer srv2.Close()
	o = PushOptions{Target: srv2.URL, Token: e.token, ApprovedOnly: true, Backoff: time.Millisecond}
	approve(10)
	res, err := Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, 10, res.Sent)
	approve(15)
	res, err = Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, 5, res.Sent)
	assert.Equal(t, 10, res.Skipped)
	assert.Len(t, e.created, 15)
	for id, n := range e.created {
		assert.Equal(t, 1, n, id)
	}
}

// keyServer processes every batch once per idempotency key and answers
// the first request of each key only after the client gave up.
type keyServer struct {
	mu       sync.Mutex
	answers  map[string][]byte
	created  map[string]int
	keys     []string
	requests int
	hang     time.Duration
}

func (k *keyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Lines []map[string]any `json:"lines"`
	}
	body, _ := io.ReadAll(r.Body)
	json.Unmarshal(body, &req)
	key := r.Header.Get("Idempotency-Key")
	k.mu.Lock()
	k.requests++
	k.keys = append(k.keys, key)
	answer, seen := k.answers[key]
	if !seen {
		for _, l := range req.Lines {
			k.created[l["line_id"].(string)]++
		}
		answer = []byte(`{"rejected":[]}`)
		k.answers[key] = answer
	}
	hang := k.hang
	k.mu.Unlock()
	if !seen && hang > 0 {
		time.Sleep(hang)
	}
	w.Write(answer)
}

// A batch the ERP processed without its answer reaching the planner goes
// again first on the next push, with its own lines and key, even when the
// next push batches differently: the ERP sees a key it knows.
func TestPushSendsAnUnansweredBatchAgainUnderItsKey(t *testing.T) {
	dir := pushRun(t, 120)
	k := &keyServer{answers: map[string][]byte{}, created: map[string]int{}, hang: 400 * time.Millisecond}
	srv := httptest.NewServer(k)
	defer srv.Close()
	o := PushOptions{Target: srv.URL, Batch: 100, Timeout: 100 * time.Millisecond, Attempts: 1, Backoff: time.Millisecond}
	res, err := Push(context.Background(), dir, o)
	require.Error(t, err, "the answer never came in time")
	assert.Equal(t, 0, res.Sent)
	time.Sleep(500 * time.Millisecond) // the server finishes processing
	k.mu.Lock()
	k.hang = 0
	firstKey := k.keys[0]
	k.mu.Unlock()
	o.Batch, o.Timeout = 7, time.Second
	res, err = Push(context.Background(), dir, o)
	require.NoError(t, err)
	assert.Equal(t, 120, res.Sent)
	assert.Equal(t, firstKey, k.keys[1], "the unanswered batch goes first, under its key")
	assert.Len(t, k.created, 120)
	for id, n := range k.created {
		assert.Equal(t, 1, n, id)
	}
}

// A redirect is no delivery: the push stops with the lines to send, never
// follows it, and the token never reaches the other place.
func TestPushStopsAtARedirect(t *testing.T) {
	dir := pushRun(t, 20)
	var loginSawToken, loginHit bool
	login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loginHit = true
		loginSawToken = r.Header.Get("Authorization") != ""
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>Please log in</body></html>")
	}))
	defer login.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, login.URL+"/login", http.StatusFound)
	}))
	defer redirect.Close()
	res, err := Push(context.Background(), dir, PushOptions{Target: redirect.URL, Token: "s3cret", Backoff: time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "answered 302 Found, a redirect to "+login.URL+"/login: the lines were not delivered")
	assert.NotContains(t, err.Error(), "s3cret")
	assert.Equal(t, 0, res.Accepted)
	assert.False(t, loginHit, "the redirect is not followed")
	assert.False(t, loginSawToken)

	// The login page answered directly: a 200 that is not an
	// acknowledgement, and the lines stay to send.
	res, err = Push(context.Background(), dir, PushOptions{Target: login.URL, Backoff: time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "answered 200 OK with an HTML page, not the JSON object of an acknowledgement")
	assert.Equal(t, 0, res.Accepted)
	e := newERP(t)
	e.slow = 0
	good := httptest.NewServer(e)
	defer good.Close()
	res, err = Push(context.Background(), dir, PushOptions{Target: good.URL, Token: e.token, Backoff: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 20, res.Sent, "nothing was delivered before")
}

// The token never crosses the network unencrypted unless asked, and no
// message shows the URL's password.
func TestPushGuardsCredentials(t *testing.T) {
	dir := pushRun(t, 5)
	_, err := Push(context.Background(), dir, PushOptions{Target: "http://erp.example.com/api", Token: "tok"})
	assert.EqualError(t, err, "the token would cross the network unencrypted to http://erp.example.com/api: use https://, or --insecure for a test ERP on a network you trust")
	// With --insecure it goes (and finds nothing there).
	_, err = Push(context.Background(), dir, PushOptions{Target: "http://erp.invalid/api", Token: "tok", Insecure: true, Attempts: 1, Timeout: 200 * time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no answer from http://erp.invalid/api")
	// This machine is fine over http.
	l := httptest.NewServer(http.NotFoundHandler())
	url := l.URL
	l.Close()
	withPassword := strings.Replace(url, "http://", "http://ops:hunter2@", 1)
	_, err = Push(context.Background(), dir, PushOptions{Target: withPassword, Token: "tok", Attempts: 1, Timeout: 200 * time.Millisecond})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), "no answer from http://ops:xxxxx@")
	_, err = Push(context.Background(), dir, PushOptions{Target: "ftp://ops:hunter2@erp/x"})
	assert.EqualError(t, err, `the target "ftp://ops:xxxxx@erp/x" is not an http:// or https:// URL`)
}

// Text a spreadsheet would run is written with a leading apostrophe in the
// CSV plan files, and approvals and the push read it back as it was: the
// workbook's decision on such a line is taken, and the ERP gets the value.
func TestFormulaTextIsEscapedInFilesAndSentAsItWas(t *testing.T) {
	dir := t.TempDir()
	lines := planLines(3)
	lines[0].SKU = `=HYPERLINK("http://evil","x")`
	lines[1].SKU = "\tTAB"
	lines[2].Reason = "+1+1"
	require.NoError(t, export.WriteOrders(filepath.Join(dir, "orders.csv"), lines))
	raw, err := os.ReadFile(filepath.Join(dir, "orders.csv"))
	require.NoError(t, err)
	for _, l := range strings.Split(string(raw), "\n")[1:] {
		for _, f := range strings.Split(l, ",") {
			f = strings.TrimPrefix(f, `"`)
			assert.False(t, f != "" && strings.ContainsRune("=+@\t\r", rune(f[0])), "a cell that runs: %q", f)
		}
	}
	assert.Contains(t, string(raw), `"'=HYPERLINK(""http://evil"",""x"")"`)
	e := newERP(t)
	e.slow = 0
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Lines []map[string]any }
		json.NewDecoder(r.Body).Decode(&req)
		got = append(got, req.Lines...)
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	_, err = Push(context.Background(), dir, PushOptions{Target: srv.URL})
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, `=HYPERLINK("http://evil","x")`, got[0]["sku"])
	assert.Equal(t, "\tTAB", got[1]["sku"])
	assert.Equal(t, "+1+1", got[2]["reason"])
}
