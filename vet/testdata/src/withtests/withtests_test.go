package withtests

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	_ = time.Now() // want `time.Now reads the wall clock`
}
