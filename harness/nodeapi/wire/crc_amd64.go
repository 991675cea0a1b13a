package wire

import "hash/crc32"

// crc32c updates crc, a CRC-32C as hash/crc32 returns it, with p. Frames and records are
// short (most under a hundred bytes, the length slot of a record four), and hash/crc32
// spends more on dispatching a call (its table check, its indirect call, its splitting of
// long inputs) than on the bytes: crc32c takes them straight with the CRC32 instruction,
// eight bytes at a time, then four, two and one. It jumps to crc32cGeneric for inputs of
// 256 bytes or more, where hash/crc32's three interleaved streams are faster, and for
// every input on a CPU without SSE4.2.
//
//go:noescape
func crc32c(crc uint32, p []byte) uint32

// crc32cGeneric is crc32c by hash/crc32.
func crc32cGeneric(crc uint32, p []byte) uint32 { return crc32.Update(crc, castagnoli, p) }

// haveSSE42 reports whether the CPU has the CRC32 instruction (SSE4.2); crc32c reads it.
var haveSSE42 = cpuHasSSE42()

// cpuHasSSE42 reads CPUID leaf 1 (ECX bit 20).
func cpuHasSSE42() bool
