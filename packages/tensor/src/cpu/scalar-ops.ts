/** The scalar function behind each element-wise primitive, evaluated in double precision. */
import type { BinaryOp, UnaryOp } from '../backend.js';
import { erf } from './erf.js';

export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), // sign(±0) = ±0, sign(NaN) = NaN as in NumPy (PyTorch gives 0: pytorch#41245)
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  tanh: Math.tanh,
  // Two branches keep exp() from overflowing for large |x|.
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  erf,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  not: (x) => (x !== 0 ? 0 : 1), // NaN counts as true (nonzero), as in PyTorch
};

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)), // C pow, as PyTorch
  // NaN propagates through maximum/minimum, as in PyTorch (Math.max does this too).
  maximum: Math.max,
  minimum: Math.min,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};
