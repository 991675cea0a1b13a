package sim

import "sync"

// A world's last chunk of payload copies is mostly unused when its run ends: half a chunk
// on average, some 4 KB of a campaign seed's 200. Release hands that unused room to the
// next world made. It is safe because no one holds it: every copy carved before is clipped
// to its length, so the room beyond the chunk's length belongs to the slab alone, and the
// released world forgets its chunk (a world used after Release starts a new one).

// slabTailMin is the least unused room worth handing on.
const slabTailMin = 512

// slabTails holds the unused room of released worlds' chunks, each *[]byte of length 0.
var slabTails sync.Pool

// release hands the chunk's unused room to the pool and forgets the chunk.
func (s *payloadSlab) release() {
	room := s.chunk[len(s.chunk):]
	s.chunk = nil
	if cap(room) < slabTailMin {
		return
	}
	box := s.box
	if box == nil {
		box = new([]byte)
	}
	s.box = nil
	*box = room
	slabTails.Put(box)
}

// reuse starts the slab in the room a released world left, if the pool has some.
func (s *payloadSlab) reuse() {
	if box, _ := slabTails.Get().(*[]byte); box != nil {
		s.chunk, s.box, *box = *box, box, nil
	}
}
