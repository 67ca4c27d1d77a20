/**
 * Shared helpers for the tensor test suite (tfjs-core's describeWithFlags, vitest style):
 *
 * ```ts
 * describe.each(backends)('add on %s', (backend) => {
 *   const t = maker(backend);
 *   it('adds', () => expectClose(add(t([1, 2]), t([3, 4])), [4, 6]));
 * });
 * ```
 *
 * The helpers throw plain Errors (no test-runner import), so this file builds with the package.
 */
import { getBackend, type Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { gpuUnavailableReason } from '../gpu/index.js';
import { tensor, type NestedArray } from '../ops/create.js';
import type { Tensor } from '../tensor.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * Why the gpu backend is left out of the default list here (undefined: it is in). In CI (CI set)
 * it is never left out: there a missing GL context fails every gpu suite with its cause.
 */
export const gpuSkipReason: string | undefined = env['CI'] ? undefined : gpuUnavailableReason();

/**
 * Backend names every op test runs on: 'cpu', and 'gpu' wherever a GL context can be made
 * (always in CI, where it must work). GLIMPSE_BACKENDS=cpu,gpu overrides.
 */
export const backends: readonly string[] = env['GLIMPSE_BACKENDS']
  ? env['GLIMPSE_BACKENDS'].split(',').map((s) => s.trim()).filter(Boolean)
  : gpuSkipReason === undefined
    ? ['cpu', 'gpu']
    : ['cpu'];

if (gpuSkipReason !== undefined && !env['GLIMPSE_BACKENDS']) {
  const g = globalThis as { __glimpseGpuSkipWarned?: boolean; console?: { warn(msg: string): void } };
  if (!g.__glimpseGpuSkipWarned) g.console?.warn(`tests skip the gpu backend here (CI would fail instead): ${gpuSkipReason}`);
  g.__glimpseGpuSkipWarned = true;
}

export type Nested = number | boolean | readonly Nested[];

export interface Tolerance {
  /** Relative tolerance: |actual - expected| ≤ atol + rtol·|expected|. */
  rtol?: number;
  atol?: number;
}

/**
 * Tolerances for hand-computed cases: float64 to ~1e-12, float32 to ~1e-6 relative. On a
 * backend that computes in float32 only (the gpu: `maxFloatBits: 32`), every float dtype gets
 * `GPU_TOL` — float64 tensors there hold float32 values, and GLSL's exp/log/pow/sin are a few
 * ulp, not correctly rounded.
 */
export function tol(dtype: DType, backend?: Backend | string): Required<Tolerance> {
  if ((dtype === 'float32' || dtype === 'float64') && bits(backend) === 32) return { ...GPU_TOL };
  return dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : dtype === 'float32' ? { rtol: 1e-6, atol: 1e-7 } : { rtol: 0, atol: 0 };
}

/** The floor of every float comparison on a float32-only backend: 2e-5 relative, 1e-6 absolute. */
export const GPU_TOL: Required<Tolerance> = Object.freeze({ rtol: 2e-5, atol: 1e-6 });

function bits(backend: Backend | string | undefined): number {
  if (backend === undefined) return 64;
  const b = typeof backend === 'string' ? getBackend(backend) : backend;
  return b.maxFloatBits ?? 64;
}

/**
 * The tolerance a float comparison on `backend` uses: the given one, widened to `GPU_TOL` where
 * the backend computes in float32 (so a check written for float64 on the cpu still means
 * "as close as the device can be" on the gpu, and the cpu check is not weakened). Exact
 * comparisons of int32/bool stay exact everywhere.
 */
export function tolFor(dtype: DType, backend: Backend | string | undefined, given: Tolerance = {}): Required<Tolerance> {
  const base = { ...tol(dtype, backend), ...given };
  if ((dtype === 'float32' || dtype === 'float64') && bits(backend) === 32) {
    return { rtol: Math.max(base.rtol, GPU_TOL.rtol), atol: Math.max(base.atol, GPU_TOL.atol) };
  }
  return base;
}

/** False on a backend that computes in float32 only (the gpu): its float64 tensors hold float32 values. */
export function holdsFloat64(backend: Backend | string): boolean {
  return bits(backend) === 64;
}

/** `value` as a `dtype` tensor on `backend` holds it: rounded to float32 for float dtypes on a float32-only backend. */
export function stored(value: number, dtype: DType, backend: Backend | string): number {
  if (dtype === 'float32' || (dtype === 'float64' && !holdsFloat64(backend))) return Math.fround(value);
  return value;
}

/** The largest integer an int32 tensor on `backend` computes with exactly: 2^31 − 1, or 2^24 where ints live in float32 (the gpu). */
export function maxExactInt(backend: Backend | string): number {
  return holdsFloat64(backend) ? 2 ** 31 - 1 : 2 ** 24;
}

/** A tensor factory bound to one backend: `t([[1, 2]], 'float64')`. */
export function maker(backend: string): (data: NestedArray, dtype?: DType) => Tensor {
  getBackend(backend); // fails early for an unregistered backend
  return (data, dtype) => tensor(data, dtype === undefined ? { backend } : { backend, dtype });
}

function shapeOf(x: Nested): number[] {
  const shape: number[] = [];
  let d: Nested = x;
  while (Array.isArray(d)) {
    shape.push(d.length);
    d = (d as readonly Nested[])[0]!;
  }
  return shape;
}

function flat(x: Nested): number[] {
  return Array.isArray(x) ? (x as readonly Nested[]).flatMap(flat) : [Number(x)];
}

function indexOf(shape: readonly number[], i: number): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return `[${idx.join(',')}]`;
}

const fmt = (s: readonly number[]) => `[${s.join(',')}]`;

/**
 * Checks shape and values: NaN matches NaN, ±Infinity must match exactly, everything else
 * within atol + rtol·|expected|. The default tolerance follows the tensor's dtype and backend
 * (`tol`); a given one is widened to the backend's float32 floor on the gpu (`tolFor`).
 * On failure the message names the worst element, its index, and how many elements failed.
 */
export function expectClose(actual: Tensor, expected: Nested | Tensor, tolerance: Tolerance = {}): void {
  const { rtol, atol } = tolFor(actual.dtype, actual.backend, tolerance);
  const expShape = isTensor(expected) ? [...expected.shape] : shapeOf(expected);
  if (fmt(actual.shape) !== fmt(expShape)) {
    throw new Error(`expectClose: shape ${fmt(actual.shape)} differs from expected ${fmt(expShape)}`);
  }
  const a = Array.from(actual.dataSync());
  const e = isTensor(expected) ? Array.from(expected.dataSync()) : flat(expected);
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    let excess: number;
    if (Number.isNaN(y) || Number.isNaN(x)) excess = Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
    else if (!Number.isFinite(y) || !Number.isFinite(x)) excess = x === y ? 0 : Infinity;
    else excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > 0) {
      failures++;
      if (excess > worstExcess || worst < 0) [worst, worstExcess] = [i, excess];
    }
  }
  if (failures > 0) {
    const x = a[worst]!;
    const y = e[worst]!;
    throw new Error(
      `expectClose: ${failures} of ${e.length} elements differ (rtol ${rtol}, atol ${atol}); worst at ${indexOf(expShape, worst)}: ` +
        `got ${x}, expected ${y} (abs err ${Math.abs(x - y)}, rel err ${Math.abs(x - y) / Math.abs(y)})`,
    );
  }
}

/** Checks shape, dtype and exact values (for int32 and bool results; bool reads as 0/1 or false/true). */
export function expectExact(actual: Tensor, expected: Nested, dtype?: DType): void {
  if (dtype !== undefined && actual.dtype !== dtype) throw new Error(`expectExact: dtype ${actual.dtype}, expected ${dtype}`);
  expectClose(actual, expected, { rtol: 0, atol: 0 });
}

function isTensor(x: Nested | Tensor): x is Tensor {
  return typeof x === 'object' && !Array.isArray(x);
}

/**
 * Non-contiguous twins of a contiguous [m, n] matrix with the same values: a transposed copy
 * viewed back, a step-2 slice of a wider buffer, and so on. Each is `[label, tensor]`.
 */
export function stridedVariants(x: Tensor): [string, Tensor][] {
  if (x.rank !== 2) throw new Error(`stridedVariants: expected a matrix, got ${fmt(x.shape)}`);
  const [m, n] = x.shape as [number, number];
  const transposed = x.transpose().contiguous().transpose();
  // Interleave with a copy of itself along the last dim, then take every other column.
  const wide = tensor(Array.from({ length: m }, (_, i) => Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? (x.toArray() as number[][])[i]![j / 2]! : -999))), {
    dtype: x.dtype,
    backend: x.backend.name,
  });
  const stepped = wide.slice(1, 0, undefined, 2);
  // Offset into a bigger buffer: rows 1..m of an [m+1, n] tensor.
  const padded = tensor([Array(n).fill(-999), ...(x.toArray() as number[][])], { dtype: x.dtype, backend: x.backend.name }).slice(0, 1);
  return [
    ['contiguous', x],
    ['transposed', transposed],
    ['step-2 slice', stepped],
    ['offset', padded],
  ];
}
