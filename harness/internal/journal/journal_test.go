package journal_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
)

// files is a readable literal of an image.
func files(kv ...string) map[string][]byte {
	out := map[string][]byte{}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = []byte(kv[i+1])
	}
	return out
}

// strs turns an image into strings, for comparisons that print well.
func strs(files map[string][]byte) map[string]string {
	out := map[string]string{}
	for name, f := range files {
		out[name] = string(f)
	}
	return out
}

func write(name, data string) journal.Op {
	return journal.Op{Kind: journal.Write, Name: name, Data: journal.Exact([]byte(data))}
}

func appendOp(name, data string) journal.Op {
	return journal.Op{Kind: journal.Append, Name: name, Data: journal.Exact([]byte(data))}
}

func apply(f map[string][]byte, op journal.Op) { journal.Apply(f, &op, journal.Whole) }

// Each kind does to its file what the nodeapi.Disk method of its name does.
func TestApplyEachKind(t *testing.T) {
	f := map[string][]byte{}
	apply(f, write("a", "hello"))
	apply(f, appendOp("a", " world"))
	apply(f, appendOp("b", "new"))
	require.Equal(t, map[string]string{"a": "hello world", "b": "new"}, strs(f))
	apply(f, journal.Op{Kind: journal.Truncate, Name: "a", Size: 5})
	apply(f, journal.Op{Kind: journal.Rename, Name: "a", To: "b"})
	require.Equal(t, map[string]string{"b": "hello"}, strs(f), "a rename replaces the target")
	apply(f, write("b", ""))
	require.NotNil(t, f["b"], "an empty file is still a file")
	apply(f, journal.Op{Kind: journal.Remove, Name: "b"})
	require.Empty(t, f)
	apply(f, journal.Op{}) // the zero op does nothing
	require.Empty(t, f)
}

// A limit keeps a prefix of a write's bytes, clipped to its length; a limit at or past
// the end, or Whole, keeps them all. Ops without data ignore it.
func TestApplyTornLimit(t *testing.T) {
	f := files("a", "base")
	op := appendOp("a", "0123456789")
	journal.Apply(f, &op, 3)
	require.Equal(t, "base012", string(f["a"]))
	op = write("b", "0123456789")
	journal.Apply(f, &op, 4)
	require.Equal(t, "0123", string(f["b"]))
	require.Equal(t, 4, cap(f["b"]), "a torn write is clipped to what it kept")
	journal.Apply(f, &op, 0)
	require.Equal(t, "", string(f["b"]))
	journal.Apply(f, &op, 99)
	require.Equal(t, "0123456789", string(f["b"]))
	trunc := journal.Op{Kind: journal.Truncate, Name: "b", Size: 2}
	journal.Apply(f, &trunc, 0)
	require.Equal(t, "01", string(f["b"]))
}

// An op that meets a missing file, or a truncation past the end, does what it can: the
// images of a disk that lost a write (fsyncgate) replay the rest of the log alike.
func TestApplyOnMissingFilesDoesWhatItCan(t *testing.T) {
	f := files("a", "abc")
	apply(f, journal.Op{Kind: journal.Truncate, Name: "gone", Size: 1})
	apply(f, journal.Op{Kind: journal.Rename, Name: "gone", To: "a"})
	apply(f, journal.Op{Kind: journal.Remove, Name: "gone"})
	apply(f, journal.Op{Kind: journal.Truncate, Name: "a", Size: 10})
	require.Equal(t, map[string]string{"a": "abc"}, strs(f))
	require.Equal(t, 3, cap(f["a"]), "a truncation clips capacity even when it cuts nothing")
}

// Exact copies into exactly the room needed, and the copy no longer follows the original.
func TestExact(t *testing.T) {
	p := make([]byte, 3, 10)
	copy(p, "abc")
	c := journal.Exact(p)
	require.Equal(t, "abc", string(c))
	require.Equal(t, 3, cap(c))
	p[0] = 'x'
	require.Equal(t, "abc", string(c))
	require.NotNil(t, journal.Exact(nil), "an empty write is an empty file, not nil")
	require.Zero(t, cap(journal.Exact(nil)))
}

// Clip copies the map, not the bytes, and clips every file so appends copy out.
func TestClip(t *testing.T) {
	grown := append(make([]byte, 0, 16), "log"...)
	f := map[string][]byte{"log": grown, "x": []byte("x")}
	c := journal.Clip(f)
	require.Equal(t, strs(f), strs(c))
	require.Equal(t, 3, cap(c["log"]))
	require.Same(t, &f["log"][0], &c["log"][0], "the images share arrays")
	apply(c, appendOp("log", "+more"))
	apply(f, appendOp("log", "+else"))
	require.Equal(t, "log+more", string(c["log"]))
	require.Equal(t, "log+else", string(f["log"]))
	delete(c, "x")
	require.Contains(t, f, "x", "the maps are separate")
}

// Replay applies ops in order, each in full.
func TestReplay(t *testing.T) {
	f := files("a", "1")
	journal.Replay(f, []journal.Op{appendOp("a", "2"), write("b", "x"),
		{Kind: journal.Rename, Name: "a", To: "c"}, appendOp("c", "3")})
	require.Equal(t, map[string]string{"b": "x", "c": "123"}, strs(f))
	journal.Replay(f, nil)
	require.Equal(t, map[string]string{"b": "x", "c": "123"}, strs(f))
}

// Image replays onto a copy and leaves the durable image alone, even where a pending
// append could have grown one of its files in place.
func TestImageLeavesDurableAlone(t *testing.T) {
	durable := map[string][]byte{"log": append(make([]byte, 0, 64), "synced;"...)}
	pending := []journal.Op{appendOp("log", "pending;"), write("meta", "m"),
		{Kind: journal.Remove, Name: "meta"}}
	cur := journal.Image(durable, pending)
	require.Equal(t, map[string]string{"log": "synced;pending;"}, strs(cur))
	require.Equal(t, map[string]string{"log": "synced;"}, strs(durable))
	require.Zero(t, durable["log"][:8][7], "the durable array was not written past its end")
}
