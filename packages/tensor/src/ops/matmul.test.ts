import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, type Backend } from '../backend.js';
import type { Tensor } from '../tensor.js';
import { backends, expectClose, expectExact, maker, tolFor } from '../testing/backends.js';
import { randn, tensor, zeros } from './create.js';
import { matmul } from './matmul.js';


/** Reference a @ b for 2-d tensors, in float64 from the (already rounded) input values. */
function reference(a: Tensor, b: Tensor): { value: number[][]; scale: number[][] } {
  const A = a.toArray() as number[][];
  const B = b.toArray() as number[][];
  const [M, K, N] = [a.shape[0]!, a.shape[1]!, b.shape[1]!];
  const value = Array.from({ length: M }, () => new Array<number>(N).fill(0));
  const scale = Array.from({ length: M }, () => new Array<number>(N).fill(0));
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < K; k++) {
        value[i]![j]! += A[i]![k]! * B[k]![j]!;
        scale[i]![j]! += Math.abs(A[i]![k]! * B[k]![j]!);
      }
    }
  }
  return { value, scale };
}

/**
 * Checks c against the float64 reference with an error bound relative to Σ|a||b| (the
 * condition of each dot product): 1e-14 for float64, 1e-6 for float32 (a float32 dot product
 * of length K can lose ~√K ulps; 1e-6 allows for K in the hundreds), widened to the float32
 * floor on a float32-only backend (tolFor).
 */
function expectMatmul(c: Tensor, a: Tensor, b: Tensor): void {
  const { value, scale } = reference(a, b);
  expect(c.shape).toEqual([a.shape[0], b.shape[1]]);
  const got = c.toArray() as number[][];
  const bound = tolFor(c.dtype, c.backend, { rtol: c.dtype === 'float64' ? 1e-14 : 1e-6 }).rtol;
  let worst = 0;
  let where = '';
  value.forEach((row, i) =>
    row.forEach((v, j) => {
      const err = Math.abs(got[i]![j]! - v) / Math.max(scale[i]![j]!, 1e-300);
      if (err > worst) [worst, where] = [err, `[${i},${j}]: got ${got[i]![j]}, want ${v}`];
    }),
  );
  expect(worst, `worst relative error at ${where}`).toBeLessThanOrEqual(bound);
}

describe.each(backends)('matmul on %s', (backend) => {
  const t = maker(backend);
  const rand = (shape: number[], dtype: 'float32' | 'float64', seed: number) => randn(shape, { dtype: 'float64', seed, backend }).to(dtype);

  describe.each(['float32', 'float64'] as const)('in %s', (dtype) => {
    it('multiplies matrices (hand case)', () => {
      const c = matmul(t([[1, 2, 3], [4, 5, 6]], dtype), t([[7, 8], [9, 10], [11, 12]], dtype));
      expect(c.dtype).toBe(dtype);
      expectClose(c, [[58, 64], [139, 154]]);
    });

    it('follows PyTorch for 1-d operands', () => {
      const v = t([1, 2, 3], dtype);
      const dot = matmul(v, t([4, 5, 6], dtype));
      expect(dot.shape).toEqual([]);
      expectClose(dot, 32);
      expectClose(matmul(t([1, 2], dtype), t([[1, 2, 3], [4, 5, 6]], dtype)), [9, 12, 15]);
      expectClose(matmul(t([[1, 2, 3], [4, 5, 6]], dtype), t([1, 0, -1], dtype)), [-2, -2]);
      const batch = t([[[1, 0], [0, 1]], [[2, 0], [0, 2]]], dtype);
      expectClose(matmul(t([3, 4], dtype), batch), [[3, 4], [6, 8]]);
      expectClose(matmul(batch, t([3, 4], dtype)), [[3, 4], [6, 8]]);
    });

    it('broadcasts batch dims (including size-1 and missing ones)', () => {
      const a = rand([2, 1, 3, 4], dtype, 1);
      const b = rand([3, 4, 5], dtype, 2);
      const c = matmul(a, b);
      expect(c.shape).toEqual([2, 3, 3, 5]);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expectMatmul(c.select(0, i).select(0, j), a.select(0, i).select(0, 0), b.select(0, j));
      const shared = rand([4, 2], dtype, 3);
      const c2 = matmul(rand([5, 3, 4], dtype, 4), shared);
      expect(c2.shape).toEqual([5, 3, 2]);
    });

    it('matches a float64 reference for sizes that straddle block edges', () => {
      for (const [M, K, N, seed] of [[1, 1, 1, 5], [7, 13, 5, 6], [65, 33, 17, 7], [33, 130, 64, 8], [3, 257, 2, 9]] as const) {
        const a = rand([M, K], dtype, seed);
        const b = rand([K, N], dtype, seed + 100);
        expectMatmul(matmul(a, b), a, b);
      }
    });

    it('reads transposed, stepped, offset and stride-0 operands without the caller copying', () => {
      const a = rand([9, 12], dtype, 10);
      const b = rand([12, 7], dtype, 11);
      const variantsA: [string, Tensor][] = [
        ['transposed', a.transpose().contiguous().transpose()],
        ['stepped', rand([9, 24], dtype, 12).slice(1, 0, undefined, 2)],
        ['offset', rand([11, 12], dtype, 13).slice(0, 2)],
        ['expanded rows', rand([1, 12], dtype, 14).expand([9, 12])],
      ];
      const variantsB: [string, Tensor][] = [
        ['contiguous', b],
        ['transposed', b.transpose().contiguous().transpose()],
        ['stepped rows', rand([24, 7], dtype, 15).slice(0, 1, undefined, 2)],
        ['expanded cols', rand([12, 1], dtype, 16).expand([12, 7])],
      ];
      for (const [, x] of variantsA) for (const [, y] of variantsB) expectMatmul(matmul(x, y), x, y);
      // batch dims that are stride-0 views
      const bb = rand([12, 7], dtype, 17).unsqueeze(0).expand([3, 12, 7]);
      const c = matmul(rand([3, 9, 12], dtype, 18).transpose(1, 2).contiguous().transpose(1, 2), bb);
      expect(c.shape).toEqual([3, 9, 7]);
    });

    it('handles empty dims: K = 0 gives zeros, M, N or batch = 0 give empty results', () => {
      const z = matmul(zeros([2, 0], { backend, dtype }), zeros([0, 3], { backend, dtype }));
      expectClose(z, [[0, 0, 0], [0, 0, 0]]);
      expect(matmul(zeros([0, 3], { backend, dtype }), zeros([3, 2], { backend, dtype })).shape).toEqual([0, 2]);
      expect(matmul(zeros([2, 3], { backend, dtype }), zeros([3, 0], { backend, dtype })).shape).toEqual([2, 0]);
      expect(matmul(zeros([0, 2, 3], { backend, dtype }), zeros([3, 4], { backend, dtype })).shape).toEqual([0, 2, 4]);
      expectClose(matmul(zeros([0], { backend, dtype }), zeros([0], { backend, dtype })), 0);
    });

    it('propagates NaN and inf like a sum of products', () => {
      expectClose(matmul(t([[1, NaN]], dtype), t([[1], [0]], dtype)), [[NaN]]);
      expectClose(matmul(t([[Infinity, 1]], dtype), t([[1], [1]], dtype)), [[Infinity]]);
      expectClose(matmul(t([[Infinity, -Infinity]], dtype), t([[1], [1]], dtype)), [[NaN]]);
    });

    it('returns a fresh contiguous tensor', () => {
      const a = t([[1, 2], [3, 4]], dtype);
      const c = matmul(a, a);
      expect(c.storage).not.toBe(a.storage);
      expect(c.isContiguous()).toBe(true);
      expect(c.offset).toBe(0);
    });
  });

  it('multiplies int32 exactly and keeps int32', () => {
    const c = matmul(t([[1, 2], [3, 4]], 'int32'), t([[5], [6]], 'int32'));
    expectExact(c, [[17], [39]], 'int32');
    expectExact(matmul(t([1000, -2000], 'int32'), t([3000, 4000], 'int32')), -5000000, 'int32');
  });

  it('names both shapes and the inner dims when they disagree', () => {
    expect(() => matmul(zeros([2, 3], { backend }), zeros([4, 5], { backend }))).toThrow('matmul: cannot multiply [2,3] by [4,5] (inner dims 3 ≠ 4)');
    expect(() => matmul(zeros([3], { backend }), zeros([4], { backend }))).toThrow('matmul: cannot multiply [3] by [4] (inner dims 3 ≠ 4)');
    expect(() => matmul(zeros([2, 3], { backend }), zeros([2], { backend }))).toThrow('matmul: cannot multiply [2,3] by [2] (inner dims 3 ≠ 2)');
    expect(() => matmul(zeros([2, 3, 4], { backend }), zeros([3, 4, 5], { backend }))).toThrow(
      'matmul: cannot multiply [2,3,4] by [3,4,5] (batch dims [2] and [3] do not broadcast)',
    );
  });

  it('rejects 0-d operands, mixed dtypes and mixed backends', () => {
    expect(() => matmul(t(2), t([1, 2]))).toThrow('matmul: both operands need at least 1 dim, got [] and [2]');
    expect(() => matmul(t([[1]]), t([[1]], 'float64'))).toThrow('matmul: dtypes differ (float32 and float64); convert one with .to()');
    registerBackend(Object.assign(Object.create(getBackend('cpu')) as Backend, { name: 'cpu-other' }));
    const there = tensor([[1]], { backend: 'cpu-other' });
    expect(() => matmul(t([[1]]), there)).toThrow(`matmul: tensors are on different backends (${backend} and cpu-other)`);
  });

  it('is Tensor.matmul too', () => {
    expectClose(t([[1, 2]], 'float64').matmul(t([[3], [4]], 'float64')), [[11]]);
  });
});
