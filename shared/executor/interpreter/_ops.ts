/**
 * Internal opcodes of the interpreter's code (an Int32Array). Numeric wasm
 * instructions keep their binary opcode (0x45..0xc4; loads 0x28..0x35, stores
 * 0x36..0x3e); saturating truncations 0xfc 0..7 become 0xe0..0xe7; the rest are
 * listed here. The dispatch loop in `_exec.ts` uses these numbers as literal
 * case labels (V8 only builds a jump table for literal labels), so keep both in
 * sync; `interpreter_test.ts` checks every op through differential tests.
 *
 * Conditional branches other than BR_UNLESS_PLAIN are always followed by the
 * FUEL op of their fall-through block, which they execute inline when not
 * taken (one dispatch less per block).
 *
 * Operands are word offsets (one word = 4 bytes, a value slot = 2 words)
 * relative to the frame pointer, unless noted.
 *
 * @module
 */

/** Op numbers. */
export const Op = {
  /** i32 binop with immediate right operand: 0x100 + (op - 0x46) for 0x46..0x4f. */
  CMP_RI: 0x100,
  /** i32 binop with immediate right operand: 0x10a + (op - 0x6a) for 0x6a..0x78. */
  ARITH_RI: 0x10a,
  /** [cost, fuelMapOffset] */
  FUEL: 0x120,
  /** [target] */
  BR: 0x121,
  /** [cond, target] */
  BR_IF: 0x122,
  /** [cond, target] */
  BR_UNLESS: 0x123,
  /** [index, n, target0..targetN] (targetN is the default) */
  BR_TABLE: 0x124,
  /** [] results already in words 0.. */
  RETURN: 0x125,
  /** [func, argBase] */
  CALL: 0x126,
  /** [typeId, table, index, argBase] */
  CALL_INDIRECT: 0x127,
  UNREACHABLE: 0x128,
  /** [dst, src] */
  COPY32: 0x129,
  COPY64: 0x12a,
  /** [dst, value] */
  CONST32: 0x12b,
  /** [dst, lo, hi] */
  CONST64: 0x12c,
  /** [dst, a, b, cond] */
  SELECT32: 0x12d,
  SELECT64: 0x12e,
  /** [dst, global] */
  GGET32: 0x12f,
  GGET64: 0x130,
  /** [global, src] */
  GSET32: 0x131,
  GSET64: 0x132,
  /** [sub, len, ...] bulk memory, tables, memory.grow: handled out of line */
  MISC: 0x133,
  /** Temporary patch where fuel runs out. */
  STOP: 0x134,
  /** [a, b, target] fused i32 compare + br_if: 0x140 + (cmp - 0x46) */
  BR_CMP: 0x140,
  /** [a, imm, target] fused i32 compare-with-immediate + br_if: 0x14a + (cmp - 0x46) */
  BR_CMP_RI: 0x14a,
  /** [a, target] fused i32.eqz + br_if */
  BR_EQZ: 0x154,
  /** [cond, target] like BR_UNLESS but the fall-through is not a FUEL op. */
  BR_UNLESS_PLAIN: 0x155,
  /** [dst1, src1, dst2, src2] two COPY32 in sequence */
  COPY32X2: 0x156,
  /** [dst1, src1, dst2, src2] two COPY64 in sequence */
  COPY64X2: 0x157,
  /**
   * [pack3(dst, y, x), imm] fused i32 pair `dst = (x op1 imm) op2 y`:
   * 0x160 + 4 * FUSE_OP1.indexOf(op1) + FUSE_OP2.indexOf(op2).
   */
  FUSE_RI: 0x160,
  /** [pack3(dst, y, x), z] fused i32 pair `dst = (x op1 z) op2 y`, numbered from 0x18c. */
  FUSE_RR: 0x18c,
  /** [dst, x, imm, offset] i32.load from address `(x + imm) + offset` (i32.add, then the load). */
  LOAD_ADDI: 0x1b8,
  /** [n, dst1, src1, ..., dstN, srcN] n COPY32 in sequence (n >= 3) */
  COPY32N: 0x1b9,
  /** [dst, x, y, offset] i32.load from address `(x + y) + offset` (i32.add, then the load). */
  LOAD_ADD: 0x1ba,
  /** [n, dst1, src1, ..., dstN, srcN, target] n COPY32 then BR (n >= 1) */
  COPY32N_BR: 0x1bb,
  /**
   * [dst, src, imm, b, target] fused i32.add-immediate + compare-with-
   * immediate + br_if (a loop counter): `dst = src + imm`, then branch when
   * `dst cmp b`: 0x1c0 + (cmp - 0x46). Followed by a FUEL op like BR_CMP.
   */
  ADDI_BR_CMP_RI: 0x1c0,
  /** Like ADDI_BR_CMP_RI with `b` a register: 0x1ca + (cmp - 0x46). */
  ADDI_BR_CMP: 0x1ca,
  /**
   * [dst, src, imm, b, target, mdst, msrc] a 32-bit move `mdst = msrc`, then
   * ADDI_BR_CMP_RI ne (a loop's last move before its counter step and test).
   */
  MOV_ADDI_BR_NE: 0x1d4,
  /**
   * [pack3(dst, w, x), a | b << 5] two shifts/rotates by immediates combined:
   * `dst = (x op1 a) op2 (w op1 b)`, 0x1e0 + 4 * (FUSE_OP1.indexOf(op1) - 6) +
   * FUSE_OP2.indexOf(op2) (op1 shl, shr_s, shr_u, rotl or rotr).
   */
  DUAL: 0x1e0,
  /**
   * [pack3(dst, w, x), v | a << 16 | b << 21 | c << 26, y] three
   * shifts/rotates by immediates xor-ed (the sigma functions of SHA-2), plus
   * register y when y >= 0 (an i32.add of the result, fused):
   * `dst = (x op1 a) ^ (w op1 b) ^ (v op2 c) (+ y)`,
   * 0x200 + 5 * (FUSE_OP1.indexOf(op1) - 6) + FUSE_OP1.indexOf(op2) - 6.
   */
  TRIPLE: 0x200,
  /**
   * [reg, steps] two or three in-place shift-xor steps on one register
   * (`v ^= v << a` or `v ^= v >>> a`; xorshift generators, hash finalizers).
   * Step k sits in bits 6k..6k+5: amount in the low 5 bits, bit 5 set for
   * shr_u; bit 18 says a third step is present.
   */
  XSH: 0x220,
  /**
   * [pack3(dst, a, b), c] the majority function `((b ^ c) & a) ^ (b & c)`
   * (SHA-2's Maj as clang writes it: two fused pairs).
   */
  MAJ: 0x221,
  /** [d1, a1, b1, 0x6a, d2, a2, b2] two i32.add in a row, both results set to locals. */
  ADD2: 0x222,
  /**
   * [dst, src] 32-bit byte swap: LLVM's 18-instruction expansion of
   * `__builtin_bswap32` (wasm has no bswap; big-endian reads in C and Rust).
   */
  BSWAP: 0x223,
  /** [x, imm, value, offset] i32.store to address `(x + imm) + offset` (the add moved into the store). */
  STORE_ADDI: 0x224,
  /** [x, imm, value, offset] i32.store8 to address `(x + imm) + offset`. */
  STORE8_ADDI: 0x225,
  /** [dst, x, imm, offset, y] `y + i32.load((x + imm) + offset)` (LOAD_ADDI, then an add of its result). */
  LOAD_ADDI_ADD: 0x226,
  /**
   * [dst, src, imm, n, dst1, src1, ..., dstN, srcN, target] a loop's counter
   * step `dst = src + imm`, then COPY32N_BR's moves and branch (its back-edge).
   */
  ADDI_COPY32N_BR: 0x227,
  /** [d1, a1, b1, 0x6a, d2, a2, b2, 0x6a, d3, a3, b3] three i32.add in a row, results set to locals. */
  ADD3: 0x228,
} as const;

/** Fused ops pack three register operands (word offsets below PACK) into one word. */
export const PACK = 1024;

/**
 * Whether the op at hand keeps its destination in the low bits of a packed
 * first operand (`pack3(dst, ...)`) rather than as a whole word: a new packed
 * op must be listed here, or redirecting its result to a local corrupts it.
 */
export function packsDestination(op: number): boolean {
  return op >= Op.FUSE_RI && op < Op.LOAD_ADDI || op >= Op.DUAL && op < Op.TRIPLE + 25 ||
    op === Op.MAJ;
}

/** `a | b << 10 | c << 20` (each below PACK). */
export function pack3(a: number, b: number, c: number): number {
  return a | b << 10 | c << 20;
}

/** First ops of fused i32 pairs (wasm opcodes; none of them traps). */
export const FUSE_OP1 = [0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78];
/** Second ops of fused i32 pairs (commutative, so the fused value may be either operand). */
export const FUSE_OP2 = [0x6a, 0x71, 0x72, 0x73];

/** MISC sub-operations. */
export const Misc = {
  MEMORY_INIT: 0,
  DATA_DROP: 1,
  MEMORY_COPY: 2,
  MEMORY_FILL: 3,
  TABLE_INIT: 4,
  ELEM_DROP: 5,
  TABLE_COPY: 6,
  TABLE_GROW: 7,
  TABLE_SIZE: 8,
  TABLE_FILL: 9,
  TABLE_GET: 10,
  TABLE_SET: 11,
  MEMORY_GROW: 12,
} as const;

const MISC_LEN = [6, 3, 5, 5, 7, 3, 7, 6, 4, 6, 5, 5, 4];
const UNARY = new Set([0x45, 0x50, 0x67, 0x68, 0x69, 0x79, 0x7a, 0x7b]);

/** Length in words of the op at `pc` (for disassembly and code checks). */
export function opLength(code: ArrayLike<number>, pc: number): number {
  const op = code[pc];
  if (op >= 0x28 && op <= 0x3e) return 4;
  if (op === 0x3f) return 2;
  if (op >= 0x45 && op <= 0xe7) {
    return UNARY.has(op) || (op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f) ||
        (op >= 0xa7 && op <= 0xe7)
      ? 3
      : 4;
  }
  if (op >= Op.CMP_RI && op <= 0x118) return 4;
  if (op >= Op.BR_CMP && op < Op.BR_EQZ) return 4;
  if (op >= Op.FUSE_RI && op < Op.LOAD_ADDI) return 3;
  if (op === Op.LOAD_ADDI || op === Op.LOAD_ADD) return 5;
  if (op === Op.COPY32N) return 2 + 2 * code[pc + 1];
  if (op === Op.COPY32N_BR) return 3 + 2 * code[pc + 1];
  if (op >= Op.ADDI_BR_CMP_RI && op < Op.ADDI_BR_CMP + 10) return 6;
  if (op === Op.MOV_ADDI_BR_NE) return 8;
  if (op >= Op.DUAL && op < Op.DUAL + 20) return 3;
  if (op >= Op.TRIPLE && op < Op.TRIPLE + 25) return 4;
  if (op === Op.XSH || op === Op.MAJ) return 3;
  if (op === Op.ADD2) return 8;
  if (op === Op.ADD3) return 12;
  if (op === Op.BSWAP) return 3;
  if (op === Op.STORE_ADDI || op === Op.STORE8_ADDI) return 5;
  if (op === Op.LOAD_ADDI_ADD) return 6;
  if (op === Op.ADDI_COPY32N_BR) return 6 + 2 * code[pc + 4];
  switch (op) {
    case Op.FUEL:
    case Op.BR_IF:
    case Op.BR_UNLESS:
    case Op.BR_UNLESS_PLAIN:
    case Op.BR_EQZ:
    case Op.CALL:
    case Op.COPY32:
    case Op.COPY64:
    case Op.CONST32:
    case Op.GGET32:
    case Op.GGET64:
    case Op.GSET32:
    case Op.GSET64:
      return 3;
    case Op.BR:
      return 2;
    case Op.BR_TABLE:
      return 4 + code[pc + 2];
    case Op.RETURN:
    case Op.UNREACHABLE:
    case Op.STOP:
      return 1;
    case Op.CALL_INDIRECT:
    case Op.SELECT32:
    case Op.SELECT64:
    case Op.COPY32X2:
    case Op.COPY64X2:
      return 5;
    case Op.CONST64:
      return 4;
    case Op.MISC:
      return MISC_LEN[code[pc + 1]];
  }
  throw new Error(`unknown op ${op} at ${pc}`);
}

/** Positions of the branch-target operands of the op at `pc` (targets that must be FUEL ops). */
export function fuelTargets(code: Int32Array, pc: number): number[] {
  const op = code[pc];
  if (op === Op.BR) return [pc + 1];
  if (op === Op.COPY32N_BR) return [pc + 2 + 2 * code[pc + 1]];
  if (op === Op.ADDI_COPY32N_BR) return [pc + 5 + 2 * code[pc + 4]];
  if (op === Op.BR_IF || op === Op.BR_UNLESS || op === Op.BR_EQZ) return [pc + 2];
  if (op >= Op.BR_CMP && op < Op.BR_EQZ) return [pc + 3];
  if (op >= Op.ADDI_BR_CMP_RI && op < Op.ADDI_BR_CMP + 10) return [pc + 5];
  if (op === Op.MOV_ADDI_BR_NE) return [pc + 5];
  return [];
}
