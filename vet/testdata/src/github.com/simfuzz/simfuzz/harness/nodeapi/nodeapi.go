// Package nodeapi is a stub of the node contract for the analyzer's tests: the names the
// analyzer looks for, with the real package's import path.
package nodeapi

import "time"

type NodeID string

type Env interface {
	ID() NodeID
	Now() time.Time
	After(d time.Duration, f func()) Timer
	Send(to NodeID, msg []byte)
	Rand() Rand
	Disk() Disk
	Dial(to NodeID, h StreamHandler) Stream
	Logf(format string, args ...any)
}

type Rand interface {
	Uint64() uint64
	IntN(n int) int
	Float64() float64
}

type Timer struct{}

func (Timer) Stop() bool { return false }

type Disk interface {
	ReadFile(name string) ([]byte, error)
	WriteFile(name string, data []byte) error
	Append(name string, data []byte) error
	Sync(done func(err error))
}

type StreamHandler interface {
	Data(s Stream, p []byte)
}

type Stream interface {
	Write(p []byte) error
	Close()
}

type Reporter interface{ Reached(event string) }

func Reach(env Env, event string) {
	if r, ok := env.(Reporter); ok {
		r.Reached(event)
	}
}
