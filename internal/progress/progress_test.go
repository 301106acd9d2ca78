package progress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDisabledReporterPrintsNothing(t *testing.T) {
	var b bytes.Buffer
	task := New(&b, false).Start("load", 10)
	task.Set(5)
	task.Done("ok")
	assert.Empty(t, b.String())
	var nilTask *Task
	nilTask.Set(1)
	nilTask.Done("")
}

func TestTaskDrawsAndEnds(t *testing.T) {
	var b bytes.Buffer
	task := New(&b, true).Start("forecast", 4)
	task.Set(4)
	task.Done("4 series")
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "\rforecast   0% (0/4)"), out)
	assert.Contains(t, out, "forecast done in ")
	assert.True(t, strings.HasSuffix(out, ": 4 series\n"), out)
}
