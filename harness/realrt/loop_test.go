package realrt

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tasks posted from many goroutines run one at a time and all of them run: the counter is
// a plain int (the race detector sees any overlap), busy catches one without it.
func TestLoopRunsCallbacksOneAtATime(t *testing.T) {
	l := newLoop(1 << 20)
	defer l.stop()
	var busy atomic.Bool
	overlaps, count := 0, 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				post := l.post
				if i%2 == 1 {
					post = l.postMessage
				}
				post(func() {
					if !busy.CompareAndSwap(false, true) {
						overlaps++
					}
					count++
					busy.Store(false)
				})
			}
		}()
	}
	wg.Wait()
	require.NoError(t, l.do(func() {}))
	require.NoError(t, l.do(func() {
		require.Equal(t, 0, overlaps)
		require.Equal(t, 4000, count)
	}))
}

func TestLoopKeepsPostOrder(t *testing.T) {
	l := newLoop(16)
	defer l.stop()
	var got []int
	for i := range 100 {
		l.post(func() { got = append(got, i) })
	}
	require.NoError(t, l.do(func() {}))
	for i := range got {
		require.Equal(t, i, got[i])
	}
	require.Len(t, got, 100)
}

// Datagram deliveries are bounded while the loop is busy (they may be lost); timers and
// sync completions are not (they must not be).
func TestLoopBoundsQueuedMessagesOnly(t *testing.T) {
	l := newLoop(10)
	defer l.stop()
	release, inside := make(chan struct{}), make(chan struct{})
	l.post(func() { close(inside); <-release })
	<-inside // the loop has taken the queue and blocks in this task
	delivered, others := 0, 0
	for range 15 {
		l.postMessage(func() { delivered++ })
	}
	for range 50 {
		require.True(t, l.post(func() { others++ }))
	}
	close(release)
	require.NoError(t, l.do(func() {}))
	require.NoError(t, l.do(func() {
		require.Equal(t, 10, delivered)
		require.Equal(t, 50, others)
	}))
	require.Equal(t, uint64(5), l.droppedMsgs.Load())
}

func TestLoopStopped(t *testing.T) {
	l := newLoop(10)
	l.stop()
	l.wait()
	require.False(t, l.post(func() { t.Error("ran after stop") }))
	require.ErrorIs(t, l.do(func() {}), errStopped)
	l.stop() // idempotent
}

// A timer stopped before its callback runs never runs it, even if the wall-clock timer
// already fired; Stop reports whether the timer was pending.
func TestTimersStopWins(t *testing.T) {
	l := newLoop(10)
	defer l.stop()
	tt := newTimerTable(l)
	fired := make(chan string, 4)
	var stopped, late bool
	require.NoError(t, l.do(func() {
		a := tt.after(time.Millisecond, func() { fired <- "a" })
		time.Sleep(20 * time.Millisecond) // a's wall-clock timer fires; its callback waits
		stopped = a.Stop()
		tt.after(0, func() { fired <- "b" })
	}))
	require.Equal(t, "b", <-fired)
	require.True(t, stopped)
	require.NoError(t, l.do(func() {
		c := tt.after(0, func() { fired <- "c" })
		_ = c
	}))
	require.Equal(t, "c", <-fired)
	require.NoError(t, l.do(func() { late = tt.StopTimer(3) }))
	require.False(t, late, "a fired timer is no longer pending")
	require.Empty(t, fired)
	require.Equal(t, 0, tt.pending())
}
