//go:build amd64 && !purego

#include "textflag.h"

// AES with VAES on 512-bit registers (AVX-512F, AVX-512BW, VAES): each ZMM
// register holds four blocks, and up to eight ZMM registers (32 blocks) are
// in flight per loop iteration. Z8 holds the current round key broadcast to
// all four lanes (VBROADCASTI32X4). Inputs that are not a multiple of the
// register width end with a masked load and store (opmask K1), which never
// touches memory outside the buffers.

// Lane offsets {0,1,2,3} added to the low qword of each 128-bit counter.
DATA laneOffsets<>+0(SB)/8, $0
DATA laneOffsets<>+8(SB)/8, $0
DATA laneOffsets<>+16(SB)/8, $1
DATA laneOffsets<>+24(SB)/8, $0
DATA laneOffsets<>+32(SB)/8, $2
DATA laneOffsets<>+40(SB)/8, $0
DATA laneOffsets<>+48(SB)/8, $3
DATA laneOffsets<>+56(SB)/8, $0
GLOBL laneOffsets<>(SB), (NOPTR+RODATA), $64

// Reverses the 16 bytes of each lane (little-endian qwords {lo, hi} to a
// big-endian counter block).
DATA vbswapMask<>+0(SB)/8, $0x08090a0b0c0d0e0f
DATA vbswapMask<>+8(SB)/8, $0x0001020304050607
GLOBL vbswapMask<>(SB), (NOPTR+RODATA), $16

#define VXOR8(K) VPXORD K, Z0, Z0; VPXORD K, Z1, Z1; VPXORD K, Z2, Z2; VPXORD K, Z3, Z3; VPXORD K, Z4, Z4; VPXORD K, Z5, Z5; VPXORD K, Z6, Z6; VPXORD K, Z7, Z7
#define VXOR4(K) VPXORD K, Z0, Z0; VPXORD K, Z1, Z1; VPXORD K, Z2, Z2; VPXORD K, Z3, Z3
#define VXOR2(K) VPXORD K, Z0, Z0; VPXORD K, Z1, Z1

#define VENC8(K) VAESENC K, Z0, Z0; VAESENC K, Z1, Z1; VAESENC K, Z2, Z2; VAESENC K, Z3, Z3; VAESENC K, Z4, Z4; VAESENC K, Z5, Z5; VAESENC K, Z6, Z6; VAESENC K, Z7, Z7
#define VENC4(K) VAESENC K, Z0, Z0; VAESENC K, Z1, Z1; VAESENC K, Z2, Z2; VAESENC K, Z3, Z3
#define VENC2(K) VAESENC K, Z0, Z0; VAESENC K, Z1, Z1

#define VENCLAST8(K) VAESENCLAST K, Z0, Z0; VAESENCLAST K, Z1, Z1; VAESENCLAST K, Z2, Z2; VAESENCLAST K, Z3, Z3; VAESENCLAST K, Z4, Z4; VAESENCLAST K, Z5, Z5; VAESENCLAST K, Z6, Z6; VAESENCLAST K, Z7, Z7
#define VENCLAST4(K) VAESENCLAST K, Z0, Z0; VAESENCLAST K, Z1, Z1; VAESENCLAST K, Z2, Z2; VAESENCLAST K, Z3, Z3
#define VENCLAST2(K) VAESENCLAST K, Z0, Z0; VAESENCLAST K, Z1, Z1

#define VDEC8(K) VAESDEC K, Z0, Z0; VAESDEC K, Z1, Z1; VAESDEC K, Z2, Z2; VAESDEC K, Z3, Z3; VAESDEC K, Z4, Z4; VAESDEC K, Z5, Z5; VAESDEC K, Z6, Z6; VAESDEC K, Z7, Z7
#define VDEC4(K) VAESDEC K, Z0, Z0; VAESDEC K, Z1, Z1; VAESDEC K, Z2, Z2; VAESDEC K, Z3, Z3
#define VDEC2(K) VAESDEC K, Z0, Z0; VAESDEC K, Z1, Z1

#define VDECLAST8(K) VAESDECLAST K, Z0, Z0; VAESDECLAST K, Z1, Z1; VAESDECLAST K, Z2, Z2; VAESDECLAST K, Z3, Z3; VAESDECLAST K, Z4, Z4; VAESDECLAST K, Z5, Z5; VAESDECLAST K, Z6, Z6; VAESDECLAST K, Z7, Z7
#define VDECLAST4(K) VAESDECLAST K, Z0, Z0; VAESDECLAST K, Z1, Z1; VAESDECLAST K, Z2, Z2; VAESDECLAST K, Z3, Z3
#define VDECLAST2(K) VAESDECLAST K, Z0, Z0; VAESDECLAST K, Z1, Z1

// Load and whiten (XOR round key 0 in Z8) in one instruction per register.
#define VLOADX8(R) VPXORD 0(R), Z8, Z0; VPXORD 64(R), Z8, Z1; VPXORD 128(R), Z8, Z2; VPXORD 192(R), Z8, Z3; VPXORD 256(R), Z8, Z4; VPXORD 320(R), Z8, Z5; VPXORD 384(R), Z8, Z6; VPXORD 448(R), Z8, Z7
#define VLOADX4(R) VPXORD 0(R), Z8, Z0; VPXORD 64(R), Z8, Z1; VPXORD 128(R), Z8, Z2; VPXORD 192(R), Z8, Z3
#define VLOADX2(R) VPXORD 0(R), Z8, Z0; VPXORD 64(R), Z8, Z1

#define VSTORE8(R) VMOVDQU64 Z0, 0(R); VMOVDQU64 Z1, 64(R); VMOVDQU64 Z2, 128(R); VMOVDQU64 Z3, 192(R); VMOVDQU64 Z4, 256(R); VMOVDQU64 Z5, 320(R); VMOVDQU64 Z6, 384(R); VMOVDQU64 Z7, 448(R)
#define VSTORE4(R) VMOVDQU64 Z0, 0(R); VMOVDQU64 Z1, 64(R); VMOVDQU64 Z2, 128(R); VMOVDQU64 Z3, 192(R)
#define VSTORE2(R) VMOVDQU64 Z0, 0(R); VMOVDQU64 Z1, 64(R)

// XOR with the source (keystream ^ src) for CTR.
#define VXORIN8(R) VPXORD 0(R), Z0, Z0; VPXORD 64(R), Z1, Z1; VPXORD 128(R), Z2, Z2; VPXORD 192(R), Z3, Z3; VPXORD 256(R), Z4, Z4; VPXORD 320(R), Z5, Z5; VPXORD 384(R), Z6, Z6; VPXORD 448(R), Z7, Z7
#define VXORIN4(R) VPXORD 0(R), Z0, Z0; VPXORD 64(R), Z1, Z1; VPXORD 128(R), Z2, Z2; VPXORD 192(R), Z3, Z3
#define VXORIN2(R) VPXORD 0(R), Z0, Z0; VPXORD 64(R), Z1, Z1

// Counter registers: Z10 = next four counters (qwords {lo+i, hi}), Z11 =
// {4, 0} in every lane, Z9 = byte-reversal mask. The caller guarantees the
// low halves do not wrap inside one call, so a plain VPADDQ is exact.
#define VCTR8 VMOVDQU64 Z10, Z0; VPADDQ Z11, Z0, Z1; VPADDQ Z11, Z1, Z2; VPADDQ Z11, Z2, Z3; VPADDQ Z11, Z3, Z4; VPADDQ Z11, Z4, Z5; VPADDQ Z11, Z5, Z6; VPADDQ Z11, Z6, Z7; VPADDQ Z11, Z7, Z10
#define VCTR4 VMOVDQU64 Z10, Z0; VPADDQ Z11, Z0, Z1; VPADDQ Z11, Z1, Z2; VPADDQ Z11, Z2, Z3; VPADDQ Z11, Z3, Z10
#define VCTR2 VMOVDQU64 Z10, Z0; VPADDQ Z11, Z0, Z1; VPADDQ Z11, Z1, Z10
#define VSWAP8 VPSHUFB Z9, Z0, Z0; VPSHUFB Z9, Z1, Z1; VPSHUFB Z9, Z2, Z2; VPSHUFB Z9, Z3, Z3; VPSHUFB Z9, Z4, Z4; VPSHUFB Z9, Z5, Z5; VPSHUFB Z9, Z6, Z6; VPSHUFB Z9, Z7, Z7
#define VSWAP4 VPSHUFB Z9, Z0, Z0; VPSHUFB Z9, Z1, Z1; VPSHUFB Z9, Z2, Z2; VPSHUFB Z9, Z3, Z3
#define VSWAP2 VPSHUFB Z9, Z0, Z0; VPSHUFB Z9, Z1, Z1

// func encBlocksVAES(nr int, xk *byte, dst *byte, src *byte, n int)
TEXT ·encBlocksVAES(SB), NOSPLIT, $0-40
	MOVQ nr+0(FP), CX
	MOVQ xk+8(FP), AX
	MOVQ dst+16(FP), DI
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), DX
	SHLQ $4, CX
	LEAQ (AX)(CX*1), R8 // last round key

venc32:
	CMPQ DX, $32
	JB   venc16
	VBROADCASTI32X4 (AX), Z8
	VLOADX8(SI)
	LEAQ 16(AX), R9

venc32round:
	VBROADCASTI32X4 (R9), Z8
	VENC8(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   venc32round
	VBROADCASTI32X4 (R8), Z8
	VENCLAST8(Z8)
	VSTORE8(DI)
	ADDQ $512, SI
	ADDQ $512, DI
	SUBQ $32, DX
	JMP  venc32

venc16:
	CMPQ DX, $16
	JB   venc8
	VBROADCASTI32X4 (AX), Z8
	VLOADX4(SI)
	LEAQ 16(AX), R9

venc16round:
	VBROADCASTI32X4 (R9), Z8
	VENC4(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   venc16round
	VBROADCASTI32X4 (R8), Z8
	VENCLAST4(Z8)
	VSTORE4(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $16, DX

venc8:
	CMPQ DX, $8
	JB   venc4
	VBROADCASTI32X4 (AX), Z8
	VLOADX2(SI)
	LEAQ 16(AX), R9

venc8round:
	VBROADCASTI32X4 (R9), Z8
	VENC2(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   venc8round
	VBROADCASTI32X4 (R8), Z8
	VENCLAST2(Z8)
	VSTORE2(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $8, DX

venc4:
	// 1 to 7 blocks left: one register at a time, the last one masked.
	TESTQ DX, DX
	JZ    vencdone
	MOVQ  $-1, R10
	CMPQ  DX, $4
	JAE   venc4mask
	MOVQ  DX, CX
	SHLQ  $4, CX
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

venc4mask:
	KMOVQ R10, K1
	VBROADCASTI32X4 (AX), Z8
	VMOVDQU8.Z (SI), K1, Z0
	VPXORD Z8, Z0, Z0
	LEAQ  16(AX), R9

venc4round:
	VBROADCASTI32X4 (R9), Z8
	VAESENC Z8, Z0, Z0
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    venc4round
	VBROADCASTI32X4 (R8), Z8
	VAESENCLAST Z8, Z0, Z0
	VMOVDQU8 Z0, K1, (DI)
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $4, DX
	JA    venc4

vencdone:
	VPXORD Z8, Z8, Z8
	VZEROUPPER
	RET

// func decBlocksVAES(nr int, xk *byte, dst *byte, src *byte, n int)
TEXT ·decBlocksVAES(SB), NOSPLIT, $0-40
	MOVQ nr+0(FP), CX
	MOVQ xk+8(FP), AX
	MOVQ dst+16(FP), DI
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), DX
	SHLQ $4, CX
	LEAQ (AX)(CX*1), R8 // last round key

vdec32:
	CMPQ DX, $32
	JB   vdec16
	VBROADCASTI32X4 (AX), Z8
	VLOADX8(SI)
	LEAQ 16(AX), R9

vdec32round:
	VBROADCASTI32X4 (R9), Z8
	VDEC8(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   vdec32round
	VBROADCASTI32X4 (R8), Z8
	VDECLAST8(Z8)
	VSTORE8(DI)
	ADDQ $512, SI
	ADDQ $512, DI
	SUBQ $32, DX
	JMP  vdec32

vdec16:
	CMPQ DX, $16
	JB   vdec8
	VBROADCASTI32X4 (AX), Z8
	VLOADX4(SI)
	LEAQ 16(AX), R9

vdec16round:
	VBROADCASTI32X4 (R9), Z8
	VDEC4(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   vdec16round
	VBROADCASTI32X4 (R8), Z8
	VDECLAST4(Z8)
	VSTORE4(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $16, DX

vdec8:
	CMPQ DX, $8
	JB   vdec4
	VBROADCASTI32X4 (AX), Z8
	VLOADX2(SI)
	LEAQ 16(AX), R9

vdec8round:
	VBROADCASTI32X4 (R9), Z8
	VDEC2(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   vdec8round
	VBROADCASTI32X4 (R8), Z8
	VDECLAST2(Z8)
	VSTORE2(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $8, DX

vdec4:
	TESTQ DX, DX
	JZ    vdecdone
	MOVQ  $-1, R10
	CMPQ  DX, $4
	JAE   vdec4mask
	MOVQ  DX, CX
	SHLQ  $4, CX
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

vdec4mask:
	KMOVQ R10, K1
	VBROADCASTI32X4 (AX), Z8
	VMOVDQU8.Z (SI), K1, Z0
	VPXORD Z8, Z0, Z0
	LEAQ  16(AX), R9

vdec4round:
	VBROADCASTI32X4 (R9), Z8
	VAESDEC Z8, Z0, Z0
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    vdec4round
	VBROADCASTI32X4 (R8), Z8
	VAESDECLAST Z8, Z0, Z0
	VMOVDQU8 Z0, K1, (DI)
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $4, DX
	JA    vdec4

vdecdone:
	VPXORD Z8, Z8, Z8
	VZEROUPPER
	RET

// func ctrVAES(nr int, xk *byte, dst *byte, src *byte, nbytes int, hi uint64, lo uint64)
//
// XORs nbytes >= 1 bytes of src with the keystream of the counter blocks
// hi||lo, hi||lo+1, ... into dst. The caller guarantees that lo does not
// wrap within the ceil(nbytes/16) counters.
TEXT ·ctrVAES(SB), NOSPLIT, $0-56
	MOVQ nr+0(FP), CX
	MOVQ xk+8(FP), AX
	MOVQ dst+16(FP), DI
	MOVQ src+24(FP), SI
	MOVQ nbytes+32(FP), DX
	MOVQ hi+40(FP), R11
	MOVQ lo+48(FP), R10
	SHLQ $4, CX
	LEAQ (AX)(CX*1), R8 // last round key

	VBROADCASTI32X4 vbswapMask<>(SB), Z9
	VMOVQ   R10, X10
	VPINSRQ $1, R11, X10, X10
	VSHUFI64X2 $0, Z10, Z10, Z10
	VPADDQ  laneOffsets<>(SB), Z10, Z10
	MOVQ    $4, CX
	VMOVQ   CX, X11
	VSHUFI64X2 $0, Z11, Z11, Z11

vctr32:
	CMPQ DX, $512
	JB   vctr16
	VCTR8
	VSWAP8
	VBROADCASTI32X4 (AX), Z8
	VXOR8(Z8)
	LEAQ 16(AX), R9

vctr32round:
	VBROADCASTI32X4 (R9), Z8
	VENC8(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   vctr32round
	VBROADCASTI32X4 (R8), Z8
	VENCLAST8(Z8)
	VXORIN8(SI)
	VSTORE8(DI)
	ADDQ $512, SI
	ADDQ $512, DI
	SUBQ $512, DX
	JMP  vctr32

vctr16:
	CMPQ DX, $256
	JB   vctr8
	VCTR4
	VSWAP4
	VBROADCASTI32X4 (AX), Z8
	VXOR4(Z8)
	LEAQ 16(AX), R9

vctr16round:
	VBROADCASTI32X4 (R9), Z8
	VENC4(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   vctr16round
	VBROADCASTI32X4 (R8), Z8
	VENCLAST4(Z8)
	VXORIN4(SI)
	VSTORE4(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $256, DX

vctr8:
	CMPQ DX, $128
	JB   vctr4
	VCTR2
	VSWAP2
	VBROADCASTI32X4 (AX), Z8
	VXOR2(Z8)
	LEAQ 16(AX), R9

vctr8round:
	VBROADCASTI32X4 (R9), Z8
	VENC2(Z8)
	ADDQ $16, R9
	CMPQ R9, R8
	JB   vctr8round
	VBROADCASTI32X4 (R8), Z8
	VENCLAST2(Z8)
	VXORIN2(SI)
	VSTORE2(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $128, DX

vctr4:
	// 1 to 127 bytes left: 64 bytes at a time, the last chunk masked to
	// its exact byte length.
	TESTQ DX, DX
	JZ    vctrdone
	MOVQ  $-1, R12
	CMPQ  DX, $64
	JAE   vctr4mask
	MOVQ  DX, CX
	MOVQ  $1, R12
	SHLQ  CX, R12
	DECQ  R12

vctr4mask:
	KMOVQ R12, K1
	VMOVDQU64 Z10, Z0
	VPADDQ Z11, Z10, Z10
	VPSHUFB Z9, Z0, Z0
	VBROADCASTI32X4 (AX), Z8
	VPXORD Z8, Z0, Z0
	LEAQ  16(AX), R9

vctr4round:
	VBROADCASTI32X4 (R9), Z8
	VAESENC Z8, Z0, Z0
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    vctr4round
	VBROADCASTI32X4 (R8), Z8
	VAESENCLAST Z8, Z0, Z0
	VMOVDQU8.Z (SI), K1, Z1
	VPXORD Z1, Z0, Z0
	VMOVDQU8 Z0, K1, (DI)
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $64, DX
	JA    vctr4

vctrdone:
	// Z0 may hold unused keystream bytes of a partial chunk; Z8 holds a
	// round key.
	VPXORD Z0, Z0, Z0
	VPXORD Z8, Z8, Z8
	VZEROUPPER
	RET
