// Package faulttext renders the settings of faults one way for the scenario format (a
// fault's String) and the engine's timeline, so that a report and a trace name a fault
// alike. It imports only the standard library.
package faulttext

import (
	"fmt"
	"strings"
	"time"
)

// Link renders a link whose ends may be "" (any endpoint), e.g. "n1->any".
func Link(from, to string) string {
	name := func(id string) string {
		if id == "" {
			return "any"
		}
		return id
	}
	return name(from) + "->" + name(to)
}

// Age renders the settings of a message-age fault, each after a space, e.g.
// " msg append rate 0.5 age 10s".
func Age(kind string, rate float64, age time.Duration) string {
	var b strings.Builder
	if kind != "" {
		fmt.Fprintf(&b, " msg %s", kind)
	}
	if rate > 0 && rate < 1 {
		fmt.Fprintf(&b, " rate %.3g", rate)
	}
	fmt.Fprintf(&b, " age %v", age)
	return b.String()
}
