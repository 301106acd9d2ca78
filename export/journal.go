package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/planner-engine/planner/internal/fsutil"
)

// outcome is what the ERP made of a line.
type outcome byte

const (
	pending outcome = iota
	accepted
	rejected
)

// journalRecord is one line of a push's journal: a batch about to be sent
// (Op "send", with its lines), or its answer (Op "done", with the lines
// the ERP refused; the others were accepted).
type journalRecord struct {
	Op       string            `json:"op"`
	Plan     string            `json:"plan"`
	Key      string            `json:"idempotency_key"`
	Lines    []string          `json:"lines,omitempty"`
	Rejected map[string]string `json:"rejected,omitempty"`
}

// journal is the push's memory, in the run's folder: every batch is
// written and synced before it goes out, and every answer after it comes
// back, so a push knows after any crash which lines the ERP has and which
// batch may have reached it without an answer.
type journal struct {
	path     string
	f        *os.File
	outcomes map[string]map[string]outcome // plan -> line id -> outcome
	sent     map[string]journalRecord      // key -> batch without an answer yet
	order    []string                      // keys in the order their batches were sent
}

// openJournal reads a push's journal, creating it when there is none.
func openJournal(path string) (*journal, error) {
	j := &journal{path: path, outcomes: map[string]map[string]outcome{}, sent: map[string]journalRecord{}}
	raw, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("cannot read the push journal %s", path)
	}
	lines := bytes.Split(raw, []byte("\n"))
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r journalRecord
		if err := json.Unmarshal(line, &r); err != nil || (r.Op != "send" && r.Op != "done") {
			// A crash mid-write leaves at most a torn last record: a torn
			// send was not sent, a torn answer makes its batch go again
			// under its key.
			if i == len(lines)-1 {
				continue
			}
			return nil, fmt.Errorf("%s line %d: the push journal is damaged; move it away to send the run's lines again (the ERP's idempotency keys then guard against duplicates)", path, i+1)
		}
		j.apply(r)
	}
	if j.f, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, fsutil.Mode()); err != nil {
		return nil, fmt.Errorf("cannot keep the push journal in %s: the run's folder must be writable", path)
	}
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		// Start the next record on a line of its own after a torn one.
		if _, err := j.f.Write([]byte("\n")); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func (j *journal) apply(r journalRecord) {
	switch r.Op {
	case "send":
		if _, ok := j.sent[r.Key]; !ok {
			j.order = append(j.order, r.Key)
		}
		j.sent[r.Key] = r
	case "done":
		b, ok := j.sent[r.Key]
		if !ok {
			return
		}
		delete(j.sent, r.Key)
		if j.outcomes[r.Plan] == nil {
			j.outcomes[r.Plan] = map[string]outcome{}
		}
		for _, id := range b.Lines {
			o := accepted
			if _, bad := r.Rejected[id]; bad {
				o = rejected
			}
			j.outcomes[r.Plan][id] = o
		}
	}
}

// outcome is a line's fate in earlier pushes.
func (j *journal) outcome(plan, id string) outcome { return j.outcomes[plan][id] }

// open returns a plan's batches that were sent without an answer, in the
// order they were sent.
func (j *journal) open(plan string) []journalRecord {
	var out []journalRecord
	for _, k := range j.order {
		if r, ok := j.sent[k]; ok && r.Plan == plan {
			out = append(out, r)
		}
	}
	return out
}

// sending records a batch before it goes out.
func (j *journal) sending(plan, key string, batch []PushLine) error {
	r := journalRecord{Op: "send", Plan: plan, Key: key, Lines: make([]string, len(batch))}
	for i, l := range batch {
		r.Lines[i] = l.ID
	}
	return j.write(r)
}

// answered records a batch's answer: the lines refused, the others
// accepted.
func (j *journal) answered(plan, key string, batch []PushLine, refused map[string]string) error {
	if _, ok := j.sent[key]; !ok {
		if err := j.sending(plan, key, batch); err != nil {
			return err
		}
	}
	return j.write(journalRecord{Op: "done", Plan: plan, Key: key, Rejected: refused})
}

// write appends a record and syncs it to disk before anything else
// happens.
func (j *journal) write(r journalRecord) error {
	line, _ := json.Marshal(r)
	w := bufio.NewWriter(j.f)
	w.Write(line)
	w.WriteByte('\n')
	if err := w.Flush(); err != nil {
		return fmt.Errorf("cannot write the push journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("cannot write the push journal %s: %w", j.path, err)
	}
	j.apply(r)
	return nil
}

func (j *journal) close() { j.f.Close() }
