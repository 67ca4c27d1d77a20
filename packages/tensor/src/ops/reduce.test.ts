import { describe, expect, it } from 'vitest';
import { backends, expectClose, expectExact, holdsFloat64, maker } from '../testing/backends.js';
import { arange, full, zeros } from './create.js';
import { argmax, argmin, logsumexp, max, mean, min, prod, sum, variance } from './reduce.js';

const FLOATS = ['float32', 'float64'] as const;

describe.each(backends)('reductions on %s', (backend) => {
  const t = maker(backend);
  const cube = () => arange(24, { dtype: 'float64', backend }).reshape([2, 3, 4]);

  describe.each(FLOATS)('hand cases in %s', (dtype) => {
    const x = () => t([[1, 2, 3], [4, 5, 6]], dtype);

    it('sum over all, one, several and negative axes, with and without keepdim', () => {
      expectClose(sum(x()), 21);
      expect(sum(x()).shape).toEqual([]);
      expectClose(sum(x(), 0), [5, 7, 9]);
      expectClose(sum(x(), 1), [6, 15]);
      expectClose(sum(x(), -1, true), [[6], [15]]);
      expectClose(sum(x(), [1, 0]), 21);
      expectClose(sum(x(), [0, 1], true), [[21]]);
      expect(sum(x()).dtype).toBe(dtype);
    });

    it('prod, max, min', () => {
      expectClose(prod(x(), 1), [6, 120]);
      expectClose(prod(x()), 720);
      expectClose(max(x(), 0), [4, 5, 6]);
      expectClose(min(x(), 1), [1, 4]);
      expectClose(max(x()), 6);
      expectClose(min(x(), -1, true), [[1], [4]]);
    });

    it('argmax and argmin give int32 indices (of the flattened tensor without an axis)', () => {
      expectExact(argmax(x(), 1), [2, 2], 'int32');
      expectExact(argmin(x(), 0), [0, 0, 0], 'int32');
      expectExact(argmax(x()), 5, 'int32');
      expectExact(argmin(x(), -1, true), [[0], [0]], 'int32');
      expectExact(argmax(x().transpose()), 5, 'int32'); // flattened in logical (row-major) order
    });

    it('mean and var (unbiased by default, or with any correction)', () => {
      expectClose(mean(x(), 0), [2.5, 3.5, 4.5]);
      expectClose(mean(x()), 3.5);
      expectClose(mean(x(), 1, true), [[2], [5]]);
      expectClose(variance(x(), 1), [1, 1]);
      expectClose(variance(x()), 3.5);
      expectClose(variance(x(), undefined, false, 0), 17.5 / 6);
      expectClose(variance(x(), 0, true, 0), [[2.25, 2.25, 2.25]]);
      const y = t([[0.5, -1.25, 2], [3, 0.125, -4]], dtype);
      expectClose(variance(y, 1), [2.6458333333333335, 12.380208333333332]);
    });

    it('logsumexp', () => {
      expectClose(logsumexp(x(), 1), [3.40760596444438, 6.407605964444381]);
      const y = t([[0.5, -1.25, 2], [3, 0.125, -4]], dtype);
      expectClose(logsumexp(y, 0), [3.0788897342925496, 0.350412651601648, 2.0024756851377306]);
      expectClose(logsumexp(y, 0, true), [[3.0788897342925496, 0.350412651601648, 2.0024756851377306]]);
    });
  });

  describe('several axes of a 3-d tensor', () => {
    it('reduces any subset of axes in any order', () => {
      expectClose(sum(cube(), [0, 2]), [60, 92, 124]);
      expectClose(sum(cube(), [2, 0]), [60, 92, 124]);
      expectClose(sum(cube(), [-1, 0], true), [[[60], [92], [124]]]);
      expectClose(max(cube(), [0, 1]), [20, 21, 22, 23]);
      expectClose(prod(cube(), 2), [[0, 840, 7920], [32760, 93024, 212520]]);
      expectClose(mean(cube(), [1, 2]), [5.5, 17.5]);
      expectClose(variance(cube(), 1), Array(2).fill(Array(4).fill(16)));
    });
  });

  describe('non-contiguous inputs', () => {
    it('reduces transposed, stepped and stride-0 expanded views', () => {
      const xt = t([[1, 2, 3], [4, 5, 6]], 'float64').transpose(); // [[1,4],[2,5],[3,6]]
      expectClose(sum(xt, 0), [6, 15]);
      expectClose(max(xt, 1), [4, 5, 6]);
      expectExact(argmax(xt, 0), [2, 2]);
      const stepped = arange(10, { dtype: 'float64', backend }).slice(0, 1, undefined, 3); // 1, 4, 7
      expectClose(sum(stepped), 12);
      expectClose(prod(stepped), 28);
      const expanded = t([[1, 2, 3]], 'float64').expand([4, 3]);
      expectClose(sum(expanded, 0), [4, 8, 12]);
      expectClose(mean(expanded), 2);
      expectClose(variance(expanded, 0), [0, 0, 0]);
      const perm = cube().permute([2, 0, 1]); // [4, 2, 3]
      expectClose(sum(perm, [1, 2]), [60, 66, 72, 78]);
      expectClose(logsumexp(perm.select(1, 0), 0), [3, 7, 11].map((v) => v + Math.log(1 + Math.exp(-1) + Math.exp(-2) + Math.exp(-3))));
    });
  });

  describe('NaN, infinities and ties', () => {
    it('max/min propagate NaN wherever it sits; sum and mean too', () => {
      expectClose(max(t([1, NaN, 3])), NaN);
      expectClose(max(t([NaN, 1])), NaN);
      expectClose(min(t([2, 1, NaN])), NaN);
      expectClose(max(t([[1, NaN], [3, 4]]), 1), [NaN, 4]);
      expectClose(sum(t([1, NaN])), NaN);
      expectClose(mean(t([NaN, 1])), NaN);
      expectClose(max(t([-Infinity, -Infinity])), -Infinity);
      expectClose(sum(t([Infinity, -Infinity])), NaN);
    });

    it('argmax/argmin treat NaN as the extreme and return the first one', () => {
      expectExact(argmax(t([1, NaN, 3, NaN])), 1);
      expectExact(argmin(t([1, NaN, 0, NaN])), 1);
      expectExact(argmax(t([[NaN, 5], [1, 2]]), 1), [0, 1]);
    });

    it('argmax/argmin return the first of equal values', () => {
      expectExact(argmax(t([3, 1, 3])), 0);
      expectExact(argmin(t([[2, 0, 0], [7, 7, 7]]), 1), [1, 0]);
      expectExact(argmax(t([-Infinity, -Infinity])), 0);
    });

    it('logsumexp stays finite for huge or tiny inputs and follows PyTorch for infinities', () => {
      expectClose(logsumexp(t([1000, 1000], 'float64')), 1000 + Math.log(2));
      expectClose(logsumexp(t([-1000, -1000], 'float64')), -1000 + Math.log(2));
      expectClose(logsumexp(t([1000, 1000])), 1000 + Math.log(2));
      expectClose(logsumexp(t([-Infinity, 0])), 0);
      expectClose(logsumexp(t([[-Infinity, -Infinity], [1, -Infinity]]), 1), [-Infinity, 1]);
      expectClose(logsumexp(t([Infinity, 1])), Infinity);
      expectClose(logsumexp(t([Infinity, -Infinity])), Infinity);
      expectClose(logsumexp(t([NaN, 1])), NaN);
    });
  });

  describe('empty dims and 0-d tensors', () => {
    it('sum and prod of nothing are 0 and 1; mean is NaN', () => {
      const e = zeros([0, 3], { backend });
      expectClose(sum(e, 0), [0, 0, 0]);
      expectClose(prod(e, 0), [1, 1, 1]);
      expectClose(sum(e), 0);
      expectClose(mean(e, 0), [NaN, NaN, NaN]);
      expect(sum(e, 1).shape).toEqual([0]);
      expect(max(e, 1).shape).toEqual([0]);
    });

    it('max/min/argmax/argmin of an empty dim have no identity and say so', () => {
      const e = zeros([0, 3], { backend });
      expect(() => max(e, 0)).toThrow('max: cannot reduce an empty dim of [0,3] (there is no identity)');
      expect(() => min(e)).toThrow('min: cannot reduce an empty dim of [0,3]');
      expect(() => argmax(e, 0)).toThrow('argmax: cannot reduce an empty dim of [0,3]');
      expect(() => argmin(e)).toThrow('argmin: cannot reduce an empty dim of [0]');
    });

    it('logsumexp of an empty dim is -inf, as in PyTorch', () => {
      expectClose(logsumexp(zeros([2, 0], { backend }), 1), [-Infinity, -Infinity]);
      expectClose(logsumexp(zeros([0], { backend })), -Infinity);
      expect(logsumexp(zeros([2, 0], { backend }), 1, true).shape).toEqual([2, 1]);
    });

    it('reduces a 0-d tensor to itself over axis 0, -1 or none', () => {
      const s = t(3);
      for (const axis of [undefined, 0, -1]) {
        expectClose(sum(s, axis), 3);
        expectClose(max(s, axis), 3);
        expectClose(mean(s, axis), 3);
        expectClose(logsumexp(s, axis), 3);
      }
      expect(sum(s).shape).toEqual([]);
      expect(sum(s, 0, true).shape).toEqual([]);
      expect(sum(s).storage).not.toBe(s.storage);
      expectClose(variance(s), NaN); // one element, correction 1: 0/0
      expectClose(variance(s, undefined, false, 0), 0);
      expect(() => sum(s, 1)).toThrow('sum: axis 1 is out of range for a tensor of rank 0');
    });

    it('argmax/argmin of a 0-d tensor is index 0, not its value', () => {
      expectExact(argmax(t(5)), 0, 'int32');
      expectExact(argmax(t(5), 0), 0, 'int32');
      expectExact(argmin(t(-7), -1), 0, 'int32');
      expectExact(argmax(t(NaN), 0), 0, 'int32');
    });
  });

  describe('dtypes', () => {
    it('keeps int32, counts bools as int32', () => {
      const i = t([[1, -2], [3, 4]], 'int32');
      expectExact(sum(i, 0), [4, 2], 'int32');
      expectExact(prod(i), -24, 'int32');
      expectExact(max(i, 1), [1, 4], 'int32');
      expectExact(argmin(i), 1, 'int32');
      expectExact(sum(t([true, false, true])), 2, 'int32');
      expectExact(sum(t([[true, true], [false, true]]), 1), [2, 1], 'int32');
      expectExact(prod(t([true, true])), 1, 'int32');
    });

    it('refuses integer input to mean, var and logsumexp, naming the op', () => {
      const i = t([1, 2], 'int32');
      expect(() => mean(i)).toThrow('mean: expected a float32 or float64 tensor, got int32 of shape [2]');
      expect(() => variance(i)).toThrow('var: expected a float32 or float64 tensor, got int32');
      expect(() => logsumexp(t([true]))).toThrow('logsumexp: expected a float32 or float64 tensor, got bool');
    });

    it('accumulates float32 sums in higher precision', () => {
      // A float32 running sum of 1e5 × 0.1f drifts by ~1e-3 relative; the exact answer needs wide accumulation.
      expectClose(sum(full([100000], 0.1, { backend })), 100000 * Math.fround(0.1), { rtol: 1e-7 });
      expectClose(mean(full([100000], 0.1, { backend })), Math.fround(0.1), { rtol: 1e-7 });
    });

    it('computes variance of large-offset data without cancellation (two-pass)', () => {
      const offset = holdsFloat64(backend) ? 1e8 : 1e4; // float32 (the gpu) cannot hold 1e8 + 1
      expectClose(variance(t([offset + 1, offset + 2, offset + 3], 'float64')), 1);
    });
  });

  it('names the op and the axis in axis errors', () => {
    const x = t([[1, 2], [3, 4]]);
    expect(() => sum(x, 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => max(x, -3)).toThrow('max: axis -3 is out of range for a tensor of rank 2');
    expect(() => sum(x, [0, -2])).toThrow('sum: repeated axis in [0,-2]');
    expect(() => mean(x, 0.5)).toThrow('mean: axis 0.5 is out of range');
    expect(() => argmax(x, 2)).toThrow('argmax: axis 2 is out of range for a tensor of rank 2');
    expect(() => logsumexp(x, [1, 1])).toThrow('logsumexp: repeated axis in [1,1]');
  });

  it('exposes the same reductions as Tensor methods', () => {
    const x = t([[1, 2], [3, 4]], 'float64');
    expectClose(x.sum(0), [4, 6]);
    expectClose(x.mean(1, true), [[1.5], [3.5]]);
    expectClose(x.var(undefined, false, 0), 1.25);
    expectExact(x.argmax(1), [1, 1]);
    expectClose(x.logsumexp(), Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4)));
  });
});
