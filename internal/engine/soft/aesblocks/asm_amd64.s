//go:build amd64 && !purego

#include "textflag.h"

// AES with AES-NI. Round keys are stored as consecutive 16-byte blocks in
// the byte order of FIPS 197 (the order AESENC expects). Data registers
// X0-X7 hold up to eight blocks in flight; X8 holds the current round key.
// The round loops stop at the pointer to the last round key (R8), so one
// body serves 10, 12 and 14 rounds.

// PSHUFB mask reversing all 16 bytes: turns the counter held as
// little-endian qwords {lo, hi} into the big-endian counter block.
DATA bswapMask<>+0(SB)/8, $0x08090a0b0c0d0e0f
DATA bswapMask<>+8(SB)/8, $0x0001020304050607
GLOBL bswapMask<>(SB), (NOPTR+RODATA), $16

#define XOR8(K) PXOR K, X0; PXOR K, X1; PXOR K, X2; PXOR K, X3; PXOR K, X4; PXOR K, X5; PXOR K, X6; PXOR K, X7
#define XOR4(K) PXOR K, X0; PXOR K, X1; PXOR K, X2; PXOR K, X3
#define XOR2(K) PXOR K, X0; PXOR K, X1

#define ENC8(K) AESENC K, X0; AESENC K, X1; AESENC K, X2; AESENC K, X3; AESENC K, X4; AESENC K, X5; AESENC K, X6; AESENC K, X7
#define ENC4(K) AESENC K, X0; AESENC K, X1; AESENC K, X2; AESENC K, X3
#define ENC2(K) AESENC K, X0; AESENC K, X1

#define ENCLAST8(K) AESENCLAST K, X0; AESENCLAST K, X1; AESENCLAST K, X2; AESENCLAST K, X3; AESENCLAST K, X4; AESENCLAST K, X5; AESENCLAST K, X6; AESENCLAST K, X7
#define ENCLAST4(K) AESENCLAST K, X0; AESENCLAST K, X1; AESENCLAST K, X2; AESENCLAST K, X3
#define ENCLAST2(K) AESENCLAST K, X0; AESENCLAST K, X1

#define DEC8(K) AESDEC K, X0; AESDEC K, X1; AESDEC K, X2; AESDEC K, X3; AESDEC K, X4; AESDEC K, X5; AESDEC K, X6; AESDEC K, X7
#define DEC4(K) AESDEC K, X0; AESDEC K, X1; AESDEC K, X2; AESDEC K, X3
#define DEC2(K) AESDEC K, X0; AESDEC K, X1

#define DECLAST8(K) AESDECLAST K, X0; AESDECLAST K, X1; AESDECLAST K, X2; AESDECLAST K, X3; AESDECLAST K, X4; AESDECLAST K, X5; AESDECLAST K, X6; AESDECLAST K, X7
#define DECLAST4(K) AESDECLAST K, X0; AESDECLAST K, X1; AESDECLAST K, X2; AESDECLAST K, X3
#define DECLAST2(K) AESDECLAST K, X0; AESDECLAST K, X1

#define LOAD8(R) MOVOU 0(R), X0; MOVOU 16(R), X1; MOVOU 32(R), X2; MOVOU 48(R), X3; MOVOU 64(R), X4; MOVOU 80(R), X5; MOVOU 96(R), X6; MOVOU 112(R), X7
#define LOAD4(R) MOVOU 0(R), X0; MOVOU 16(R), X1; MOVOU 32(R), X2; MOVOU 48(R), X3
#define LOAD2(R) MOVOU 0(R), X0; MOVOU 16(R), X1

#define STORE8(R) MOVOU X0, 0(R); MOVOU X1, 16(R); MOVOU X2, 32(R); MOVOU X3, 48(R); MOVOU X4, 64(R); MOVOU X5, 80(R); MOVOU X6, 96(R); MOVOU X7, 112(R)
#define STORE4(R) MOVOU X0, 0(R); MOVOU X1, 16(R); MOVOU X2, 32(R); MOVOU X3, 48(R)
#define STORE2(R) MOVOU X0, 0(R); MOVOU X1, 16(R)

// XORIN: X_i ^= 16 bytes at off(SI), through the scratch register X11.
#define XORIN(off, X) MOVOU off(SI), X11; PXOR X11, X
#define XORIN8 XORIN(0, X0); XORIN(16, X1); XORIN(32, X2); XORIN(48, X3); XORIN(64, X4); XORIN(80, X5); XORIN(96, X6); XORIN(112, X7)
#define XORIN4 XORIN(0, X0); XORIN(16, X1); XORIN(32, X2); XORIN(48, X3)
#define XORIN2 XORIN(0, X0); XORIN(16, X1)

// CTRGPR: X = counter {lo: R10, hi: R11} (not yet byte-swapped), then
// increment the 128-bit counter with carry from lo into hi.
#define CTRGPR(X) MOVQ R10, X; PINSRQ $1, R11, X; ADDQ $1, R10; ADCQ $0, R11

#define BSWAP8 PSHUFB X9, X0; PSHUFB X9, X1; PSHUFB X9, X2; PSHUFB X9, X3; PSHUFB X9, X4; PSHUFB X9, X5; PSHUFB X9, X6; PSHUFB X9, X7
#define BSWAP4 PSHUFB X9, X0; PSHUFB X9, X1; PSHUFB X9, X2; PSHUFB X9, X3
#define BSWAP2 PSHUFB X9, X0; PSHUFB X9, X1

// func expandKeyAsm(nk int, key *byte, enc *[240]byte, dec *[240]byte)
//
// FIPS 197 §5.2 (KeyExpansion), one 32-bit word at a time:
//   temp = w[i-1]
//   i mod Nk == 0:          temp = SubWord(RotWord(temp)) ^ Rcon[i/Nk]
//   Nk == 8, i mod 8 == 4:  temp = SubWord(temp)
//   w[i] = w[i-Nk] ^ temp
// SubWord comes from AESKEYGENASSIST (the hardware S-box: no table lookup
// on key bytes). With temp broadcast to all four dwords and an immediate of
// 0, dword 0 of the result is SubWord(temp) and dword 1 is
// RotWord(SubWord(temp)). Rcon is XORed in separately. The branches depend
// only on i and Nk, never on the key.
// Then the decryption schedule (FIPS 197 §5.3.5): dec[0] = enc[Nr],
// dec[i] = InvMixColumns(enc[Nr-i]) (AESIMC) for 0 < i < Nr, dec[Nr] = enc[0].
TEXT ·expandKeyAsm(SB), NOSPLIT, $0-32
	MOVQ nk+0(FP), CX
	MOVQ key+8(FP), SI
	MOVQ enc+16(FP), DI
	MOVQ dec+24(FP), DX

	// w[0..Nk-1] = key
	XORQ BX, BX

copykey:
	MOVL (SI)(BX*4), AX
	MOVL AX, (DI)(BX*4)
	INCQ BX
	CMPQ BX, CX
	JB   copykey

	// BX = i = Nk; R8 = 4*(Nr+1) = 4*(Nk+7) words; R9 = Rcon; R10 = i mod Nk
	LEAQ 7(CX), R8
	SHLQ $2, R8
	MOVL $1, R9
	XORQ R10, R10

expand:
	MOVL  -4(DI)(BX*4), AX
	TESTQ R10, R10
	JNZ   notfirst
	MOVL  AX, X0
	PSHUFD $0, X0, X0
	AESKEYGENASSIST $0, X0, X1
	PEXTRD $1, X1, AX
	XORL  R9, AX

	// Rcon = xtime(Rcon) in GF(2^8); Rcon is public.
	SHLL $1, R9
	CMPL R9, $0x100
	JB   storeword
	XORL $0x11b, R9
	JMP  storeword

notfirst:
	CMPQ CX, $8
	JNE  storeword
	CMPQ R10, $4
	JNE  storeword
	MOVL AX, X0
	PSHUFD $0, X0, X0
	AESKEYGENASSIST $0, X0, X1
	MOVL X1, AX

storeword:
	MOVQ BX, R11
	SUBQ CX, R11
	XORL (DI)(R11*4), AX
	MOVL AX, (DI)(BX*4)
	INCQ R10
	CMPQ R10, CX
	JB   nextword
	XORQ R10, R10

nextword:
	INCQ BX
	CMPQ BX, R8
	JB   expand

	// Decryption schedule. R11 = 16*Nr = 16*(Nk+6).
	LEAQ  6(CX), R11
	SHLQ  $4, R11
	MOVOU (DI)(R11*1), X0
	MOVOU X0, (DX)
	MOVOU (DI), X0
	MOVOU X0, (DX)(R11*1)
	MOVQ  $16, BX
	SUBQ  $16, R11

invkey:
	MOVOU  (DI)(R11*1), X0
	AESIMC X0, X1
	MOVOU  X1, (DX)(BX*1)
	ADDQ   $16, BX
	SUBQ   $16, R11
	JNZ    invkey

	// Leave no key material in registers.
	PXOR X0, X0
	PXOR X1, X1
	XORL AX, AX
	RET

// func encBlocksAsm(nr int, xk *byte, dst *byte, src *byte, n int)
TEXT ·encBlocksAsm(SB), NOSPLIT, $0-40
	MOVQ nr+0(FP), CX
	MOVQ xk+8(FP), AX
	MOVQ dst+16(FP), DI
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), DX
	SHLQ $4, CX
	LEAQ (AX)(CX*1), R8 // last round key
	CMPQ DX, $8
	JB   enc4

enc8:
	MOVOU (AX), X8
	LOAD8(SI)
	XOR8(X8)
	LEAQ  16(AX), R9

enc8round:
	MOVOU (R9), X8
	ENC8(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    enc8round
	MOVOU (R8), X8
	ENCLAST8(X8)
	STORE8(DI)
	ADDQ  $128, SI
	ADDQ  $128, DI
	SUBQ  $8, DX
	CMPQ  DX, $8
	JAE   enc8

enc4:
	CMPQ  DX, $4
	JB    enc2
	MOVOU (AX), X8
	LOAD4(SI)
	XOR4(X8)
	LEAQ  16(AX), R9

enc4round:
	MOVOU (R9), X8
	ENC4(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    enc4round
	MOVOU (R8), X8
	ENCLAST4(X8)
	STORE4(DI)
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $4, DX

enc2:
	CMPQ  DX, $2
	JB    enc1
	MOVOU (AX), X8
	LOAD2(SI)
	XOR2(X8)
	LEAQ  16(AX), R9

enc2round:
	MOVOU (R9), X8
	ENC2(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    enc2round
	MOVOU (R8), X8
	ENCLAST2(X8)
	STORE2(DI)
	ADDQ  $32, SI
	ADDQ  $32, DI
	SUBQ  $2, DX

enc1:
	TESTQ DX, DX
	JZ    encdone
	MOVOU (AX), X8
	MOVOU (SI), X0
	PXOR  X8, X0
	LEAQ  16(AX), R9

enc1round:
	MOVOU  (R9), X8
	AESENC X8, X0
	ADDQ   $16, R9
	CMPQ   R9, R8
	JB     enc1round
	MOVOU  (R8), X8
	AESENCLAST X8, X0
	MOVOU  X0, (DI)

encdone:
	PXOR X8, X8
	RET

// func decBlocksAsm(nr int, xk *byte, dst *byte, src *byte, n int)
TEXT ·decBlocksAsm(SB), NOSPLIT, $0-40
	MOVQ nr+0(FP), CX
	MOVQ xk+8(FP), AX
	MOVQ dst+16(FP), DI
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), DX
	SHLQ $4, CX
	LEAQ (AX)(CX*1), R8 // last round key
	CMPQ DX, $8
	JB   dec4

dec8:
	MOVOU (AX), X8
	LOAD8(SI)
	XOR8(X8)
	LEAQ  16(AX), R9

dec8round:
	MOVOU (R9), X8
	DEC8(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    dec8round
	MOVOU (R8), X8
	DECLAST8(X8)
	STORE8(DI)
	ADDQ  $128, SI
	ADDQ  $128, DI
	SUBQ  $8, DX
	CMPQ  DX, $8
	JAE   dec8

dec4:
	CMPQ  DX, $4
	JB    dec2
	MOVOU (AX), X8
	LOAD4(SI)
	XOR4(X8)
	LEAQ  16(AX), R9

dec4round:
	MOVOU (R9), X8
	DEC4(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    dec4round
	MOVOU (R8), X8
	DECLAST4(X8)
	STORE4(DI)
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $4, DX

dec2:
	CMPQ  DX, $2
	JB    dec1
	MOVOU (AX), X8
	LOAD2(SI)
	XOR2(X8)
	LEAQ  16(AX), R9

dec2round:
	MOVOU (R9), X8
	DEC2(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    dec2round
	MOVOU (R8), X8
	DECLAST2(X8)
	STORE2(DI)
	ADDQ  $32, SI
	ADDQ  $32, DI
	SUBQ  $2, DX

dec1:
	TESTQ DX, DX
	JZ    decdone
	MOVOU (AX), X8
	MOVOU (SI), X0
	PXOR  X8, X0
	LEAQ  16(AX), R9

dec1round:
	MOVOU  (R9), X8
	AESDEC X8, X0
	ADDQ   $16, R9
	CMPQ   R9, R8
	JB     dec1round
	MOVOU  (R8), X8
	AESDECLAST X8, X0
	MOVOU  X0, (DI)

decdone:
	PXOR X8, X8
	RET

// func ctrBlocksAsm(nr int, xk *byte, dst *byte, src *byte, n int, hi uint64, lo uint64)
//
// The counter lives in R11:R10 (hi:lo). For eight blocks whose low halves
// cannot wrap (lo <= 2^64-8) the counters are made with PADDQ from the
// first one; otherwise, and for the 4-, 2- and 1-block tails, each counter
// is built from the registers with an explicit carry into hi.
TEXT ·ctrBlocksAsm(SB), NOSPLIT, $0-56
	MOVQ  nr+0(FP), CX
	MOVQ  xk+8(FP), AX
	MOVQ  dst+16(FP), DI
	MOVQ  src+24(FP), SI
	MOVQ  n+32(FP), DX
	MOVQ  hi+40(FP), R11
	MOVQ  lo+48(FP), R10
	SHLQ  $4, CX
	LEAQ  (AX)(CX*1), R8 // last round key
	MOVOU bswapMask<>(SB), X9
	MOVQ  $1, CX
	MOVQ  CX, X10 // {1, 0}
	CMPQ  DX, $8
	JB    ctr4

ctr8:
	CMPQ   R10, $-8
	JA     ctr8wrap
	MOVQ   R10, X0
	PINSRQ $1, R11, X0
	MOVOU  X0, X1
	PADDQ  X10, X1
	MOVOU  X1, X2
	PADDQ  X10, X2
	MOVOU  X2, X3
	PADDQ  X10, X3
	MOVOU  X3, X4
	PADDQ  X10, X4
	MOVOU  X4, X5
	PADDQ  X10, X5
	MOVOU  X5, X6
	PADDQ  X10, X6
	MOVOU  X6, X7
	PADDQ  X10, X7
	ADDQ   $8, R10
	ADCQ   $0, R11
	JMP    ctr8go

ctr8wrap:
	CTRGPR(X0)
	CTRGPR(X1)
	CTRGPR(X2)
	CTRGPR(X3)
	CTRGPR(X4)
	CTRGPR(X5)
	CTRGPR(X6)
	CTRGPR(X7)

ctr8go:
	BSWAP8
	MOVOU (AX), X8
	XOR8(X8)
	LEAQ  16(AX), R9

ctr8round:
	MOVOU (R9), X8
	ENC8(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    ctr8round
	MOVOU (R8), X8
	ENCLAST8(X8)
	XORIN8
	STORE8(DI)
	ADDQ  $128, SI
	ADDQ  $128, DI
	SUBQ  $8, DX
	CMPQ  DX, $8
	JAE   ctr8

ctr4:
	CMPQ  DX, $4
	JB    ctr2
	CTRGPR(X0)
	CTRGPR(X1)
	CTRGPR(X2)
	CTRGPR(X3)
	BSWAP4
	MOVOU (AX), X8
	XOR4(X8)
	LEAQ  16(AX), R9

ctr4round:
	MOVOU (R9), X8
	ENC4(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    ctr4round
	MOVOU (R8), X8
	ENCLAST4(X8)
	XORIN4
	STORE4(DI)
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $4, DX

ctr2:
	CMPQ  DX, $2
	JB    ctr1
	CTRGPR(X0)
	CTRGPR(X1)
	BSWAP2
	MOVOU (AX), X8
	XOR2(X8)
	LEAQ  16(AX), R9

ctr2round:
	MOVOU (R9), X8
	ENC2(X8)
	ADDQ  $16, R9
	CMPQ  R9, R8
	JB    ctr2round
	MOVOU (R8), X8
	ENCLAST2(X8)
	XORIN2
	STORE2(DI)
	ADDQ  $32, SI
	ADDQ  $32, DI
	SUBQ  $2, DX

ctr1:
	TESTQ  DX, DX
	JZ     ctrdone
	CTRGPR(X0)
	PSHUFB X9, X0
	MOVOU  (AX), X8
	PXOR   X8, X0
	LEAQ   16(AX), R9

ctr1round:
	MOVOU  (R9), X8
	AESENC X8, X0
	ADDQ   $16, R9
	CMPQ   R9, R8
	JB     ctr1round
	MOVOU  (R8), X8
	AESENCLAST X8, X0
	XORIN(0, X0)
	MOVOU  X0, (DI)

ctrdone:
	PXOR X8, X8
	RET

// func cbcEncAsm(nr int, xk *byte, dst, src *byte, n int, iv *byte)
// CBC encryption (SP 800-38A §6.2) of n >= 1 blocks: C_j = E_K(P_j ⊕ C_{j-1}),
// C_0 = IV. The chain makes the blocks sequential, so one block is in flight:
// X0 holds the chaining value, X9 the first round key and X10 the last. Each
// block is loaded before its output is stored, so dst == src works.
TEXT ·cbcEncAsm(SB), NOSPLIT, $0-48
	MOVQ nr+0(FP), CX
	MOVQ xk+8(FP), AX
	MOVQ dst+16(FP), DI
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), DX
	MOVQ iv+40(FP), BX
	SHLQ $4, CX
	LEAQ (AX)(CX*1), R8 // last round key
	MOVOU (BX), X0
	MOVOU (AX), X9
	MOVOU (R8), X10

cbcenc:
	MOVOU (SI), X1
	PXOR  X1, X0
	PXOR  X9, X0
	LEAQ  16(AX), R9

cbcencround:
	MOVOU  (R9), X8
	AESENC X8, X0
	ADDQ   $16, R9
	CMPQ   R9, R8
	JB     cbcencround
	AESENCLAST X10, X0
	MOVOU X0, (DI)
	ADDQ  $16, SI
	ADDQ  $16, DI
	DECQ  DX
	JNZ   cbcenc
	RET
