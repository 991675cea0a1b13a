package realrt

import (
	"net"
	"sync"
	"time"
)

// refusalQuiet is how long a refused peer's later refusals go unlogged after one is logged.
const refusalQuiet = 10 * time.Second

// refusals rate-limits the log lines of refused connections. A peer with the wrong
// certificate, or a scanner, redials every few hundred milliseconds; logging each refusal
// would bury everything else. The first refusal of a host for a reason is logged at once;
// the same refusals that follow within refusalQuiet are counted, and the next line logged
// for them says how many were left out.
type refusals struct {
	mu    sync.Mutex
	hosts map[string]*refusalHost
	now   func() time.Time
}

type refusalHost struct {
	logged     time.Time
	suppressed int
}

// admit says whether a refusal from addr for reason why is to be logged now and, if so, how
// many of the same refusals were left out since the last line.
func (r *refusals) admit(addr net.Addr, why string) (log bool, suppressed int) {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h // a redial comes from a new port: the host is the peer
	}
	host += " " + why
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	t := now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hosts == nil {
		r.hosts = map[string]*refusalHost{}
	}
	h := r.hosts[host]
	if h == nil {
		if len(r.hosts) >= maxRefusalHosts {
			clear(r.hosts) // bounded memory against many hosts: forget, and log again
		}
		r.hosts[host] = &refusalHost{logged: t}
		return true, 0
	}
	if t.Sub(h.logged) < refusalQuiet {
		h.suppressed++
		return false, 0
	}
	suppressed, h.suppressed, h.logged = h.suppressed, 0, t
	return true, suppressed
}

// maxRefusalHosts bounds the hosts remembered.
const maxRefusalHosts = 1024
