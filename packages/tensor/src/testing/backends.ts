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
import { getBackend } from '../backend.js';
import type { DType } from '../dtype.js';
import { tensor, type NestedArray } from '../ops/create.js';
import type { Tensor } from '../tensor.js';

/**
 * Backend names every op test runs on: 'cpu' today. The gpu backend joins the default list when
 * it lands (its module registers itself; import it here). GLIMPSE_BACKENDS=cpu,gpu overrides.
 */
const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['GLIMPSE_BACKENDS'];
export const backends: readonly string[] = fromEnv ? fromEnv.split(',').map((s) => s.trim()).filter(Boolean) : ['cpu'];

export type Nested = number | boolean | readonly Nested[];

export interface Tolerance {
  /** Relative tolerance: |actual - expected| ≤ atol + rtol·|expected|. */
  rtol?: number;
  atol?: number;
}

/** Tolerances for hand-computed cases: float64 to ~1e-12, float32 to ~1e-6 relative. */
export function tol(dtype: DType): Required<Tolerance> {
  return dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : dtype === 'float32' ? { rtol: 1e-6, atol: 1e-7 } : { rtol: 0, atol: 0 };
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
 * within atol + rtol·|expected|. The default tolerance follows the tensor's dtype (`tol`).
 * On failure the message names the worst element, its index, and how many elements failed.
 */
export function expectClose(actual: Tensor, expected: Nested | Tensor, tolerance: Tolerance = {}): void {
  const { rtol, atol } = { ...tol(actual.dtype), ...tolerance };
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
