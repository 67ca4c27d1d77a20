import { describe, expect, it } from 'vitest';
import { tensor } from '../ops/create.js';
import { backends, expectClose, expectExact, gpuSkipReason, stridedVariants, tol } from './backends.js';

// The helpers every op test leans on must fail when they should, or every suite passes vacuously.
describe('test helpers', () => {
  it('lists cpu, and gpu wherever GL works (always in CI), among the backends by default', () => {
    expect(backends.length).toBeGreaterThan(0);
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
    if (!env['GLIMPSE_BACKENDS']) expect(backends).toEqual(gpuSkipReason === undefined ? ['cpu', 'gpu'] : ['cpu']);
    if (env['CI']) expect(gpuSkipReason).toBeUndefined();
  });

  it('expectClose passes within tolerance and fails outside it, naming the worst element', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    expectClose(x, [[1, 2], [3, 4 + 1e-13]]);
    expect(() => expectClose(x, [[1, 2.001], [3, 5]])).toThrow('expectClose: 2 of 4 elements differ (rtol 1e-12, atol 1e-14); worst at [1,1]: got 4, expected 5');
    expect(() => expectClose(x, [[1, 2], [3, 4]], { rtol: 0, atol: 0 })).not.toThrow();
    expect(() => expectClose(tensor([1], { dtype: 'float32' }), [1 + 1e-5])).toThrow('worst at [0]');
    expectClose(tensor([1]), [1 + 5e-7]);
  });

  it('expectClose matches NaN only with NaN and infinities only exactly', () => {
    expectClose(tensor([NaN, Infinity, -Infinity]), [NaN, Infinity, -Infinity]);
    expect(() => expectClose(tensor([NaN]), [0])).toThrow('got NaN, expected 0');
    expect(() => expectClose(tensor([1]), [NaN])).toThrow('got 1, expected NaN');
    expect(() => expectClose(tensor([Infinity]), [-Infinity])).toThrow('1 of 1 elements differ');
    expect(() => expectClose(tensor([1e308 * 10]), [1e308], { rtol: 1 })).toThrow('got Infinity');
  });

  it('expectClose checks the shape, including 0-d against a number', () => {
    expect(() => expectClose(tensor([1, 2]), [[1, 2]])).toThrow('expectClose: shape [2] differs from expected [1,2]');
    expect(() => expectClose(tensor(1), [1])).toThrow('expectClose: shape [] differs from expected [1]');
    expectClose(tensor(1), 1);
    expectClose(tensor([[1, 2]]), tensor([[1, 2]], { dtype: 'float64' }));
  });

  it('expectExact checks the dtype when asked', () => {
    expectExact(tensor([1, 2], { dtype: 'int32' }), [1, 2], 'int32');
    expect(() => expectExact(tensor([1, 2]), [1, 2], 'int32')).toThrow('expectExact: dtype float32, expected int32');
    expect(() => expectExact(tensor([1, 2]), [1, 2 + 1e-7])).toThrow('1 of 2 elements differ');
  });

  it('tol follows the dtype', () => {
    expect(tol('float64').rtol).toBe(1e-12);
    expect(tol('float32').rtol).toBe(1e-6);
    expect(tol('int32')).toEqual({ rtol: 0, atol: 0 });
  });

  it('stridedVariants gives non-contiguous twins with the same values', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const variants = stridedVariants(x);
    expect(variants.map(([label]) => label)).toEqual(['contiguous', 'transposed', 'step-2 slice', 'offset']);
    for (const [label, v] of variants) {
      expect(v.toArray(), label).toEqual(x.toArray());
      expect(v.dtype).toBe('float64');
      if (label !== 'contiguous') expect(v.isContiguous() && v.offset === 0, label).toBe(false);
    }
  });
});
