/**
 * The cpu backend's element-wise, copy and reduce primitives against a reference that visits
 * every element through a table of offsets and applies the scalar function per element (what
 * the backend did before it walked rows): bit for bit, on random layouts (permuted, padded,
 * offset, broadcast) of every dtype, with NaN, ±0, ±Infinity and out-of-range values.
 */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, ReduceOp, UnaryOp, View } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { CpuBackend } from './backend.js';
import { BINARY_CODE, REDUCE_CODE, REDUCE_INIT, UNARY_CODE, binaryOp, reduceStep, unaryOp } from './kernels.js';
import { offsetsOf } from './strided.js';

const cpu = new CpuBackend();
const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];
const UNARY = Object.keys(UNARY_CODE) as UnaryOp[];
const BINARY = Object.keys(BINARY_CODE) as BinaryOp[];
const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 0.5, -2.5, 1e10, 3e38, 2 ** 31, 300, 256, 1e-40];

/** Deterministic values (an LCG), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** What assigning a double result to `dtype` means, the slow way: bool is nonzero, int32 truncates. */
const store = (dtype: DType, v: number) => (dtype === 'bool' ? (v !== 0 ? 1 : 0) : dtype === 'int32' ? Math.trunc(v) : v);
const elements = (x: View) => offsetsOf(x.shape, x.strides, x.offset);

function refMap(dtype: DType, views: View[], f: (...xs: number[]) => number): TypedArray {
  const at = views.map(elements);
  const out = allocArray(dtype, at[0]!.length);
  for (let i = 0; i < out.length; i++) out[i] = f(...views.map((v, k) => (v.storage as TypedArray)[at[k]![i]!]!));
  return out;
}

function refReduce(op: ReduceOp, x: View, axes: number[], dtype: DType): TypedArray {
  const keptAxes = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const kept = offsetsOf(keptAxes.map((d) => x.shape[d]!), keptAxes.map((d) => x.strides[d]!), x.offset);
  const reduced = offsetsOf(axes.map((d) => x.shape[d]!), axes.map((d) => x.strides[d]!), 0);
  const X = x.storage as TypedArray;
  const out = allocArray(dtype, kept.length);
  kept.forEach((base, k) => {
    if (op === 'argmax' || op === 'argmin') {
      let bestAt = 0;
      for (let r = 1; r < reduced.length && !Number.isNaN(X[base + reduced[bestAt]!]); r++) {
        const [v, best] = [X[base + reduced[r]!]!, X[base + reduced[bestAt]!]!];
        if ((op === 'argmax' ? v > best : v < best) || Number.isNaN(v)) bestAt = r;
      }
      out[k] = bestAt;
    } else {
      const code = REDUCE_CODE[op];
      out[k] = reduced.reduce((acc, r) => reduceStep(code, acc, X[base + r]!), REDUCE_INIT[code]!);
    }
  });
  return out;
}

/** A random view of `shape`: storage order permuted or not, padded dims, an offset, broadcast (stride 0) dims. */
function randomView(rand: () => number, shape: number[], dtype: DType, broadcast: boolean): View {
  const order = shape.map((_, d) => d);
  if (rand() < 0.5) order.sort(() => rand() - 0.5);
  const strides = shape.map(() => 0);
  let size = 1;
  for (const d of order.reverse()) {
    if (broadcast && rand() < 0.2) continue;
    strides[d] = size;
    size *= shape[d]! + (rand() < 0.2 ? 1 : 0);
  }
  const offset = Math.floor(rand() * 3);
  const storage = allocArray(dtype, offset + size + 1);
  for (let i = 0; i < storage.length; i++) {
    const r = rand();
    storage[i] = dtype === 'bool' ? (r < 0.05 ? 2 : r < 0.5 ? 1 : 0) : r < 0.3 ? SPECIAL[Math.floor(rand() * SPECIAL.length)]! : dtype === 'int32' ? Math.floor(r * 21) - 10 : (r - 0.5) * 8;
  }
  return { storage, dtype, shape, strides, offset };
}

function randomShape(rand: () => number): number[] {
  const rank = Math.floor(rand() * 5);
  return Array.from({ length: rank }, () => (rand() < 0.04 ? 0 : rand() < 0.2 ? 1 : 1 + Math.floor(rand() * (rand() < 0.3 ? 40 : 5))));
}

const pick = <T>(rand: () => number, xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

/** Compares element by element with Object.is, so NaN matches NaN and -0 does not match +0. */
function expectSame(got: unknown, want: TypedArray, what: string): void {
  expect((got as TypedArray).constructor, what).toBe(want.constructor);
  const g = Array.from(got as TypedArray);
  const w = Array.from(want);
  const bad = w.findIndex((v, i) => !Object.is(v, g[i]));
  expect(bad === -1 && g.length === w.length ? 'same' : `${g.length} vs ${w.length} elements; first difference at ${bad}: ${g[bad]} vs ${w[bad]}`, what).toBe('same');
}

describe('cpu backend kernels on strided layouts', () => {
  it('read, copy, unary, binary and where equal the per-element reference', () => {
    const rand = rng(1);
    for (let t = 0; t < 200; t++) {
      const shape = randomShape(rand);
      const [d1, d2, out] = [pick(rand, DTYPES), pick(rand, DTYPES), pick(rand, DTYPES)];
      const x = randomView(rand, shape, d1, true);
      const y = randomView(rand, shape, d2, true);
      const c = randomView(rand, shape, 'bool', true);
      const what = `shape [${shape}] ${d1} strides [${x.strides}] ${d2} strides [${y.strides}] → ${out}`;
      expectSame(cpu.read(x), refMap(d1, [x], (v) => v), `read ${what}`);
      expectSame(cpu.copy(x, out), refMap(out, [x], (v) => store(out, v)), `copy ${what}`);
      for (const op of UNARY) expectSame(cpu.unary(op, x, out), refMap(out, [x], (v) => store(out, unaryOp(UNARY_CODE[op], v))), `${op} ${what}`);
      for (const op of BINARY) expectSame(cpu.binary(op, x, y, out), refMap(out, [x, y], (a, b) => store(out, binaryOp(BINARY_CODE[op], a, b))), `${op} ${what}`);
      expectSame(cpu.where(c, x, y, out), refMap(out, [c, x, y], (k, a, b) => (k ? a : b)), `where ${what}`);
    }
  });

  it('reductions over any axes equal the reference, in either loop order', () => {
    const rand = rng(2);
    for (let t = 0; t < 400; t++) {
      const shape = randomShape(rand);
      if (shape.length === 0) continue;
      const dtype = pick(rand, DTYPES);
      const x = randomView(rand, shape, dtype, rand() < 0.3);
      const axes = shape.map((_, d) => d).filter(() => rand() < 0.5);
      if (axes.length === 0) axes.push(Math.floor(rand() * shape.length));
      const what = `shape [${shape}] ${dtype} strides [${x.strides}] axes [${axes}]`;
      for (const op of ['sum', 'prod', 'max', 'min'] as const) {
        const out = pick(rand, DTYPES);
        expectSame(cpu.reduce(op, x, axes, out), refReduce(op, x, axes, out), `${op} ${what} → ${out}`);
      }
      for (const op of ['argmax', 'argmin'] as const) {
        if (x.shape[axes[0]!] === 0) expect(() => cpu.reduce(op, x, [axes[0]!], 'int32')).toThrow(/empty axis/);
        else expectSame(cpu.reduce(op, x, [axes[0]!], 'int32'), refReduce(op, x, [axes[0]!], 'int32'), `${op} ${what}`);
      }
    }
  });

  it('sums a bias gradient (leading axes) and a last axis in the order of the reference', () => {
    // Values whose float32 sum depends on the order of additions, on the two loop orders.
    const rand = rng(3);
    const storage = Float32Array.from({ length: 6 * 7 * 40 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 8));
    const x: View = { storage, dtype: 'float32', shape: [6, 7, 40], strides: [280, 40, 1], offset: 0 };
    for (const axes of [[0, 1], [2], [0, 2], [1]]) expectSame(cpu.reduce('sum', x, axes, 'float32'), refReduce('sum', x, axes, 'float32'), `sum over [${axes}]`);
  });
});
