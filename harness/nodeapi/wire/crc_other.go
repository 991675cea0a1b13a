//go:build !amd64

package wire

import "hash/crc32"

// crc32c updates crc, a CRC-32C as hash/crc32 returns it, with p.
func crc32c(crc uint32, p []byte) uint32 { return crc32.Update(crc, castagnoli, p) }
