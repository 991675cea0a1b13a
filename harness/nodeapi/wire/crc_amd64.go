package wire

import "hash/crc32"

// crc32c updates crc, a CRC-32C as hash/crc32 returns it, with p. Frames and records are
// short (most under a hundred bytes, the length slot of a record four), and hash/crc32
// spends more on dispatching a call (its table check, its indirect call, its splitting of
// long inputs) than on the bytes; its CRC32-instruction loop takes them straight. Long
// inputs go to hash/crc32, whose three interleaved streams are faster there, and so does
// every input on a CPU without SSE4.2.
func crc32c(crc uint32, p []byte) uint32 {
	if haveSSE42 && len(p) < 256 {
		return crc32cSSE42(crc, p)
	}
	return crc32.Update(crc, castagnoli, p)
}

// haveSSE42 reports whether the CPU has the CRC32 instruction (SSE4.2).
var haveSSE42 = cpuHasSSE42()

// cpuHasSSE42 reads CPUID leaf 1 (ECX bit 20).
func cpuHasSSE42() bool

// crc32cSSE42 is crc32c with the CRC32 instruction, eight bytes at a time, then four, two
// and one.
//
//go:noescape
func crc32cSSE42(crc uint32, p []byte) uint32
