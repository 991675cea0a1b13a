// Package nocontract does not import the node contract, so by default it is not checked:
// its code does not run inside the world.
package nocontract

import "time"

// Stamp reads the wall clock, which code outside the world may do.
func Stamp() time.Time { return time.Now() }
