package jepsen

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"

	"github.com/simfuzz/simfuzz/harness/realrt"
)

// AdminOptions place a server's admin endpoint. It can kill nothing, but it can cut the
// node off and fail its disk, so it listens on loopback only unless Public says otherwise,
// and then only with a Token every request must carry.
type AdminOptions struct {
	// Addr is host:port ("" for no endpoint).
	Addr string
	// Public allows a non-loopback address; it requires Token.
	Public bool
	// Token is the shared secret of Authorization: Bearer TOKEN ("" for none, loopback only).
	Token string
}

// adminError is a bad admin option: the operator's to fix.
type adminError struct{ msg string }

func (e adminError) Error() string { return e.msg }

// minToken is the shortest admin token accepted.
const minToken = 16

func (o AdminOptions) validate() error {
	if o.Addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return adminError{fmt.Sprintf("--admin %q is not host:port", o.Addr)}
	}
	switch {
	case o.Token != "" && len(o.Token) < minToken:
		return adminError{fmt.Sprintf("--admin-token must have at least %d characters",
			minToken)}
	case o.Public && o.Token == "":
		return adminError{"--admin-public needs --admin-token: an admin endpoint beyond " +
			"loopback must require a token"}
	case !o.Public && !isLoopback(host):
		return adminError{fmt.Sprintf("--admin %s is not a loopback address; the admin "+
			"endpoint can cut the node off and fail its disk, so it binds to loopback "+
			"unless --admin-public (with --admin-token) says otherwise", o.Addr)}
	}
	return nil
}

// isLoopback reports whether host is a loopback IP or "localhost".
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requireToken refuses (401, logged) a request without the token.
func requireToken(next http.Handler, token string, rt *realrt.Runtime) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			rt.Notice("admin: refused %s %s from %s: missing or wrong token", r.Method,
				r.URL.Path, r.RemoteAddr)
			http.Error(w, "admin token required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
