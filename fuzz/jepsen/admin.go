package jepsen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
)

// The admin endpoint of a server is a small HTTP service on a local address:
//
//	GET  /status  the node's Status, as JSON
//	GET  /faults  the drop table, as JSON {"peer": {"out": f, "in": f}, ...}
//	PUT  /faults  replace the drop table (the same JSON; "*" is every other peer)
//	DELETE /faults  clear the drop table (heal)
//	PUT  /disk    {"sync_delay_ms": N, "fail_syncs": K}: stall every disk sync by N ms (0
//	              lifts the stall) and make the next K syncs fail (0 ends it; absent leaves it)
//
// It is the fault-injection hook of Jepsen mode and of a person testing by hand; it changes
// nothing but the drop table and the disk faults. It listens on loopback only unless the
// server is told otherwise, and then every request must carry the admin token
// (AdminOptions).

// Status is what a server's admin endpoint reports about its node.
type Status struct {
	ID string `json:"id"`
	// System is the target's name.
	System string `json:"system"`
	// Role is "leader" (the system's nodeapi.LeaderReporter names this node), "follower"
	// (any other running node) or "down" (a restart after a fail-stop failed).
	Role string `json:"role"`
	// Term is the node's term (nodeapi.TermReporter; 0 without it).
	Term uint64 `json:"term"`
	// Leader is the leader the node knows of, when the system says ("" otherwise).
	Leader string `json:"leader"`
	// Commit, Applied and LastIndex are a log's positions, for systems that say.
	Commit    uint64 `json:"commit,omitempty"`
	Applied   uint64 `json:"applied,omitempty"`
	LastIndex uint64 `json:"last_index,omitempty"`
	// FailStops counts the node's fail-stops (each followed by a restart from the disk).
	FailStops uint64 `json:"fail_stops,omitempty"`
	// Failed is the error that stopped the node, if any.
	Failed string `json:"failed,omitempty"`
	PID    int    `json:"pid"`
}

// FaultTable is the JSON form of a drop table.
type FaultTable map[nodeapi.NodeID]realrt.Rule

// AdminHandler serves the admin endpoint for the runtime rt; status reports the node's
// state (it is called on an HTTP goroutine and must get onto the node's loop itself). A
// non-empty token is required of every request (Authorization: Bearer TOKEN).
func AdminHandler(rt *realrt.Runtime, status func() (Status, error), token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		st, err := status()
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, st)
	})
	mux.HandleFunc("GET /faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, FaultTable(rt.Faults().Table()))
	})
	mux.HandleFunc("PUT /faults", func(w http.ResponseWriter, r *http.Request) {
		var table FaultTable
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			err = json.Unmarshal(body, &table)
		}
		if err == nil {
			err = rt.Faults().Replace(table)
		}
		if err != nil {
			http.Error(w, "bad drop table: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /faults", func(w http.ResponseWriter, _ *http.Request) {
		rt.Faults().Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /disk", func(w http.ResponseWriter, r *http.Request) {
		var set struct {
			SyncDelayMS *int64 `json:"sync_delay_ms"`
			FailSyncs   *int   `json:"fail_syncs"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<10))
		dec.DisallowUnknownFields()
		err := dec.Decode(&set)
		if err == nil && set.SyncDelayMS != nil {
			err = rt.Disk().SetSyncDelay(time.Duration(*set.SyncDelayMS) * time.Millisecond)
		}
		if err == nil && set.FailSyncs != nil {
			err = rt.Disk().FailSyncs(*set.FailSyncs)
		}
		if err != nil {
			http.Error(w, "bad disk setting: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	if token == "" {
		return mux
	}
	return requireToken(mux, token, rt)
}

// DiskFault is the JSON body of PUT /disk.
type DiskFault struct {
	SyncDelayMS int64 `json:"sync_delay_ms"`
	// FailSyncs, if present, makes the next that many syncs fail (realrt.Disk.FailSyncs).
	FailSyncs *int `json:"fail_syncs,omitempty"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// AdminClient talks to one server's admin endpoint. Every call is bounded by Timeout, so a
// paused (SIGSTOP) server costs the caller that long and no more.
type AdminClient struct {
	Addr    string
	Timeout time.Duration
	// Token is sent with every request when set (an endpoint beyond loopback wants it).
	Token string
	http  http.Client
}

// NewAdminClient returns a client for the endpoint at addr (host:port).
func NewAdminClient(addr string) *AdminClient {
	return &AdminClient{Addr: addr, Timeout: 500 * time.Millisecond}
}

// Status fetches the node's status.
func (c *AdminClient) Status() (Status, error) {
	var st Status
	body, err := c.call(http.MethodGet, "/status", nil)
	if err == nil {
		err = json.Unmarshal(body, &st)
	}
	return st, err
}

// SetFaults replaces the server's drop table; an empty table heals it.
func (c *AdminClient) SetFaults(table FaultTable) error {
	if len(table) == 0 {
		_, err := c.call(http.MethodDelete, "/faults", nil)
		return err
	}
	b, err := json.Marshal(table)
	if err != nil {
		return err
	}
	_, err = c.call(http.MethodPut, "/faults", b)
	return err
}

// StallDisk makes every disk sync of the server take delay longer (0 lifts the stall).
func (c *AdminClient) StallDisk(delay time.Duration) error {
	b, err := json.Marshal(DiskFault{SyncDelayMS: delay.Milliseconds()})
	if err != nil {
		return err
	}
	_, err = c.call(http.MethodPut, "/disk", b)
	return err
}

// FailSyncs makes the server's next n disk syncs fail (0 ends the fault), leaving the
// stall as it is.
func (c *AdminClient) FailSyncs(n int) error {
	b, err := json.Marshal(map[string]int{"fail_syncs": n})
	if err != nil {
		return err
	}
	_, err = c.call(http.MethodPut, "/disk", b)
	return err
}

// Faults fetches the server's drop table.
func (c *AdminClient) Faults() (FaultTable, error) {
	var t FaultTable
	body, err := c.call(http.MethodGet, "/faults", nil)
	if err == nil {
		err = json.Unmarshal(body, &t)
	}
	return t, err
}

func (c *AdminClient) call(method, path string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.Addr+path,
		bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("admin %s %s: %s: %s", method, path, resp.Status,
			bytes.TrimSpace(out))
	}
	return out, nil
}
