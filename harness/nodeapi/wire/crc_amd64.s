#include "textflag.h"

// func cpuHasSSE42() bool
TEXT ·cpuHasSSE42(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	SHRL $20, CX
	ANDL $1, CX
	MOVB CX, ret+0(FP)
	RET

// func crc32c(crc uint32, p []byte) uint32
TEXT ·crc32c(SB), NOSPLIT, $0-36
	MOVQ p_len+16(FP), CX
	CMPQ CX, $256
	JAE  generic
	CMPB ·haveSSE42(SB), $0
	JEQ  generic
	MOVL crc+0(FP), AX
	NOTL AX
	MOVQ p_base+8(FP), SI

words:
	CMPQ CX, $8
	JB   four
	CRC32Q (SI), AX
	ADDQ $8, SI
	SUBQ $8, CX
	JMP  words

four:
	TESTQ $4, CX
	JZ    two
	CRC32L (SI), AX
	ADDQ $4, SI

two:
	TESTQ $2, CX
	JZ    one
	CRC32W (SI), AX
	ADDQ $2, SI

one:
	TESTQ $1, CX
	JZ    done
	CRC32B (SI), AX

done:
	NOTL AX
	MOVL AX, ret+32(FP)
	RET

generic:
	JMP ·crc32cGeneric(SB)
