// Package allpkgs does not import the node contract; with Options.All it is checked.
package allpkgs

import "time"

// Stamp reads the wall clock.
func Stamp() time.Time { return time.Now() } // want `time.Now reads the wall clock`
