/**
 * The cpu kernels: the scalar function behind each element-wise primitive and reduction,
 * evaluated in double precision, and the loops that apply them to one row of strided operands
 * (out[o..o+n) from operand rows starting at offset p with stride s; cpu/backend.ts walks the rows).
 *
 * Each family of scalar functions is one `switch` on a small integer code, not a table of
 * closures: a row loop calls `unaryOp` / `binaryOp` / `reduceStep` with a code that does not
 * change during the loop, V8 inlines the (always the same) function into the loop, and an element
 * costs a well-predicted jump instead of a call through a call site that has seen every op and
 * so is never inlined. The codes are const enums, so they compile to number literals.
 *
 * Results are assigned to the output array, which rounds once to float32 or truncates and wraps
 * to int32; bool results are converted by the caller (see backend.ts).
 */
import type { BinaryOp, UnaryOp } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { erf } from './erf.js';

const enum Un { neg, abs, sign, exp, log, sqrt, rsqrt, tanh, sigmoid, relu, erf, sin, cos, floor, not }

/** The code `unaryOp` takes for each unary primitive. */
export const UNARY_CODE: Record<UnaryOp, number> = {
  neg: Un.neg, abs: Un.abs, sign: Un.sign, exp: Un.exp, log: Un.log, sqrt: Un.sqrt, rsqrt: Un.rsqrt, tanh: Un.tanh,
  sigmoid: Un.sigmoid, relu: Un.relu, erf: Un.erf, sin: Un.sin, cos: Un.cos, floor: Un.floor, not: Un.not,
};

/** The unary primitive with code `op` (see UNARY_CODE) applied to x. */
export function unaryOp(op: number, x: number): number {
  switch (op) {
    case Un.neg: return -x;
    case Un.abs: return Math.abs(x);
    case Un.sign: return x > 0 ? 1 : x < 0 ? -1 : x; // sign(±0) = ±0, sign(NaN) = NaN as in NumPy (PyTorch gives 0: pytorch#41245)
    case Un.exp: return Math.exp(x);
    case Un.log: return Math.log(x);
    case Un.sqrt: return Math.sqrt(x);
    case Un.rsqrt: return 1 / Math.sqrt(x);
    case Un.tanh: return Math.tanh(x);
    case Un.sigmoid: return sigmoid(x);
    case Un.relu: return x > 0 ? x : Number.isNaN(x) ? x : 0;
    case Un.erf: return erf(x);
    case Un.sin: return Math.sin(x);
    case Un.cos: return Math.cos(x);
    case Un.floor: return Math.floor(x);
    default: return x !== 0 ? 0 : 1; // not: NaN counts as true (nonzero), as in PyTorch
  }
}

/** Two branches keep exp() from overflowing for large |x|. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const enum Bin { add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, and, or }

/** The code `binaryOp` takes for each binary primitive. */
export const BINARY_CODE: Record<BinaryOp, number> = {
  add: Bin.add, sub: Bin.sub, mul: Bin.mul, div: Bin.div, pow: Bin.pow, maximum: Bin.maximum, minimum: Bin.minimum,
  eq: Bin.eq, ne: Bin.ne, lt: Bin.lt, le: Bin.le, gt: Bin.gt, ge: Bin.ge, and: Bin.and, or: Bin.or,
};

/** True for the binary primitives whose result is always 0 or 1 (comparisons, and, or). */
export const isPredicate = (op: BinaryOp): boolean => BINARY_CODE[op] >= Bin.eq;

/** The binary primitive with code `op` (see BINARY_CODE) applied to a and b. */
export function binaryOp(op: number, a: number, b: number): number {
  switch (op) {
    case Bin.add: return a + b;
    case Bin.sub: return a - b;
    case Bin.mul: return a * b;
    case Bin.div: return a / b;
    case Bin.pow: return a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b); // C pow, as PyTorch
    // NaN propagates through maximum/minimum, as in PyTorch (Math.max does this too).
    case Bin.maximum: return Math.max(a, b);
    case Bin.minimum: return Math.min(a, b);
    case Bin.eq: return a === b ? 1 : 0;
    case Bin.ne: return a !== b ? 1 : 0;
    case Bin.lt: return a < b ? 1 : 0;
    case Bin.le: return a <= b ? 1 : 0;
    case Bin.gt: return a > b ? 1 : 0;
    case Bin.ge: return a >= b ? 1 : 0;
    case Bin.and: return a !== 0 && b !== 0 ? 1 : 0;
    default: return a !== 0 || b !== 0 ? 1 : 0; // or
  }
}

const enum Red { sum, prod, max, min }

/** The code `reduceStep` takes for each accumulating reduction. */
export const REDUCE_CODE = { sum: Red.sum, prod: Red.prod, max: Red.max, min: Red.min } as const;
/** The value each reduction starts from, by code. */
export const REDUCE_INIT: readonly number[] = [0, 1, -Infinity, Infinity];

/** One step of the reduction with code `op` (see REDUCE_CODE): the accumulator after seeing x. */
export function reduceStep(op: number, acc: number, x: number): number {
  switch (op) {
    case Red.sum: return acc + x;
    case Red.prod: return acc * x;
    // NaN wins, as in PyTorch; among equal values (±0) the first one seen stays.
    case Red.max: return x > acc || Number.isNaN(x) ? x : acc;
    default: return x < acc || Number.isNaN(x) ? x : acc; // min
  }
}

// The row loops. add/sub/mul/div, and sum among reductions, have a loop of their own: they are
// most of the element-wise work of training, and a loop without the switch measured ~10% of a
// tiny-CLIP training step (binary), 1.4× on a last-axis sum (bench/elementwise.bench.ts) and
// 1.2× on a bias gradient's sum over [B, T].
// Among unary ops exp (softmax) and erf (GELU) do: exp is the hot one (1.3× alone), and erf's
// long body, once inlined into the shared loop, slowed every op in it (sqrt 2.5×). Every other
// op shares its family's switch loop.

export function unaryRow(op: number, out: TypedArray, o: number, n: number, X: TypedArray, px: number, sx: number): void {
  const end = o + n;
  switch (op) {
    case Un.exp: for (; o < end; o++, px += sx) out[o] = Math.exp(X[px]!); return;
    case Un.erf: for (; o < end; o++, px += sx) out[o] = erf(X[px]!); return;
    default: for (; o < end; o++, px += sx) out[o] = unaryOp(op, X[px]!);
  }
}

export function binaryRow(op: number, out: TypedArray, o: number, n: number, A: TypedArray, pa: number, sa: number, B: TypedArray, pb: number, sb: number): void {
  const end = o + n;
  switch (op) {
    case Bin.add: for (; o < end; o++, pa += sa, pb += sb) out[o] = A[pa]! + B[pb]!; return;
    case Bin.sub: for (; o < end; o++, pa += sa, pb += sb) out[o] = A[pa]! - B[pb]!; return;
    case Bin.mul: for (; o < end; o++, pa += sa, pb += sb) out[o] = A[pa]! * B[pb]!; return;
    case Bin.div: for (; o < end; o++, pa += sa, pb += sb) out[o] = A[pa]! / B[pb]!; return;
    default: for (; o < end; o++, pa += sa, pb += sb) out[o] = binaryOp(op, A[pa]!, B[pb]!);
  }
}

/** acc after folding in X[p], X[p+s], … (n elements), in that order. */
export function reduceRow(op: number, acc: number, X: TypedArray, p: number, s: number, n: number): number {
  if (op === Red.sum) for (let i = 0; i < n; i++, p += s) acc += X[p]!;
  else for (let i = 0; i < n; i++, p += s) acc = reduceStep(op, acc, X[p]!);
  return acc;
}

/** acc[o+i] = step(acc[o+i], X[p + i·s]) for i < n: one reduced position folded into a row of outputs. */
export function foldRow(op: number, acc: Float64Array, o: number, n: number, X: TypedArray, p: number, s: number): void {
  const end = o + n;
  if (op === Red.sum) for (; o < end; o++, p += s) acc[o] = acc[o]! + X[p]!;
  else for (; o < end; o++, p += s) acc[o] = reduceStep(op, acc[o]!, X[p]!);
}

export function whereRow(out: TypedArray, o: number, n: number, C: TypedArray, pc: number, sc: number, A: TypedArray, pa: number, sa: number, B: TypedArray, pb: number, sb: number): void {
  for (const end = o + n; o < end; o++, pc += sc, pa += sa, pb += sb) out[o] = C[pc] ? A[pa]! : B[pb]!;
}

export function copyRow(out: TypedArray, o: number, n: number, X: TypedArray, px: number, sx: number): void {
  if (sx === 1 && n >= 32) out.set(X.subarray(px, px + n), o); // a memcpy, or a converting copy with the semantics of `=`
  else for (const end = o + n; o < end; o++, px += sx) out[o] = X[px]!;
}
