import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, type Backend } from '../backend.js';
import { backends, expectClose, expectExact, maker, maxExactInt, stridedVariants } from '../testing/backends.js';
import { arange, tensor, zeros } from './create.js';
import {
  abs, add, clamp, cos, div, eq, erf, exp, floor, ge, gt, le, log, logicalAnd, logicalNot, logicalOr, lt, maximum,
  minimum, mul, ne, neg, pow, relu, rsqrt, sigmoid, sign, sin, sqrt, sub, tanh, where,
} from './elementwise.js';

// A second backend object with the cpu kernels, to check the "different backends" errors.
registerBackend(Object.assign(Object.create(getBackend('cpu')) as Backend, { name: 'cpu-other' }));

const FLOATS = ['float32', 'float64'] as const;

describe.each(backends)('element-wise ops on %s', (backend) => {
  const t = maker(backend);

  describe.each(FLOATS)('binary arithmetic in %s', (dtype) => {
    const a = () => t([[1.5, -2], [0.25, 3]], dtype);
    const b = () => t([[2, 4], [-0.5, 8]], dtype);

    it('adds, subtracts, multiplies and divides element by element', () => {
      expectClose(add(a(), b()), [[3.5, 2], [-0.25, 11]]);
      expectClose(sub(a(), b()), [[-0.5, -6], [0.75, -5]]);
      expectClose(mul(a(), b()), [[3, -8], [-0.125, 24]]);
      expectClose(div(a(), b()), [[0.75, -0.5], [-0.5, 0.375]]);
      expectClose(div(t([1, 2], dtype), t([3, 7], dtype)), [1 / 3, 2 / 7]);
      for (const r of [add(a(), b()), sub(a(), b()), mul(a(), b()), div(a(), b())]) expect(r.dtype).toBe(dtype);
    });

    it('raises to powers, with C pow semantics at the edges', () => {
      expectClose(pow(t([2, 4, 9, 0], dtype), t([3, 0.5, -1, 0], dtype)), [8, 2, 1 / 9, 1]);
      expectClose(pow(t([-2, 3], dtype), 2), [4, 9]);
      expectClose(pow(2, t([0, 10, -2], dtype)), [1, 1024, 0.25]);
      // 1^y = 1 and (-1)^±inf = 1 even for nan/inf y; x^0 = 1 even for nan x (IEEE/C99, PyTorch)
      expectClose(pow(t([1, 1, -1, -1, NaN], dtype), t([NaN, Infinity, Infinity, -Infinity, 0], dtype)), [1, 1, 1, 1, 1]);
      expectClose(pow(t([-8, 0, 0], dtype), t([1 / 3, -1, 0.5], dtype)), [NaN, Infinity, 0]);
    });

    it('takes maximum and minimum, propagating NaN like PyTorch', () => {
      const x = t([1, NaN, -Infinity, 3], dtype);
      const y = t([2, 0, 5, NaN], dtype);
      expectClose(maximum(x, y), [2, NaN, 5, NaN]);
      expectClose(minimum(x, y), [1, NaN, -Infinity, NaN]);
    });

    it('follows IEEE arithmetic for infinities and zero division', () => {
      expectClose(div(t([1, -1, 0], dtype), 0), [Infinity, -Infinity, NaN]);
      expectClose(add(t([Infinity], dtype), t([-Infinity], dtype)), [NaN]);
      expectClose(mul(t([Infinity, 0], dtype), t([0, 5], dtype)), [NaN, 0]);
    });

    it('gives the same result for transposed, stepped and offset inputs', () => {
      const base = t([[1.5, -2, 7], [0.25, 3, -1]], dtype);
      const other = t([[2, 4, 0.5], [-0.5, 8, 2]], dtype);
      const want = [[3.5, 2, 7.5], [-0.25, 11, 1]];
      for (const [la, x] of stridedVariants(base)) {
        for (const [lb, y] of stridedVariants(other)) {
          const r = add(x, y);
          expect(r.isContiguous(), `${la} + ${lb}`).toBe(true);
          expectClose(r, want);
        }
      }
    });
  });

  describe('broadcasting', () => {
    it('broadcasts a column against a row', () => {
      expectClose(add(t([[1], [2]]), t([10, 20, 30])), [[11, 21, 31], [12, 22, 32]]);
      expectClose(sub(t([10, 20, 30]), t([[1], [2]])), [[9, 19, 29], [8, 18, 28]]);
    });

    it('aligns from the right across ranks, including 0-d and size-1 dims', () => {
      const x = arange(6, { dtype: 'float32', backend }).reshape([3, 1, 2]);
      const y = t([[100], [200], [300], [400]]); // [4, 1]
      const r = add(x, y);
      expect(r.shape).toEqual([3, 4, 2]);
      expectClose(r.select(0, 2), [[104, 105], [204, 205], [304, 305], [404, 405]]);
      expectClose(mul(t(2), t([[1, 2], [3, 4]])), [[2, 4], [6, 8]]);
      expectClose(add(t(2), t(3)), 5);
      expect(add(t(2), t(3)).shape).toEqual([]);
    });

    it('broadcasts empty dims against size-1 dims', () => {
      expect(add(zeros([0, 3], { backend }), t([1, 2, 3])).shape).toEqual([0, 3]);
      expect(add(zeros([2, 0], { backend }), t([1])).shape).toEqual([2, 0]);
      expect(add(zeros([2, 1], { backend }), zeros([0], { backend })).shape).toEqual([2, 0]);
    });

    it('reads stride-0 expanded inputs', () => {
      const col = t([[1], [2]]).expand([2, 3]);
      expectClose(mul(col, t([[1, 2, 3], [4, 5, 6]])), [[1, 2, 3], [8, 10, 12]]);
      expectClose(add(col, col.transpose().transpose()), [[2, 2, 2], [4, 4, 4]]);
    });

    it('names the op, both shapes and the dim when shapes do not broadcast', () => {
      expect(() => add(t([[1, 2, 3], [4, 5, 6]]), t([1, 2]))).toThrow('add: shapes [2,3] and [2] cannot be broadcast (dim 1: 3 vs 2)');
      expect(() => lt(zeros([2, 3, 4], { backend }), zeros([3, 3, 1], { backend }))).toThrow('lt: shapes [2,3,4] and [3,3,1] cannot be broadcast (dim 0: 2 vs 3)');
      expect(() => add(zeros([0], { backend }), zeros([2], { backend }))).toThrow('add: shapes [0] and [2] cannot be broadcast');
    });
  });

  describe('dtype promotion', () => {
    const i32 = (data: number[]) => t(data, 'int32');

    it('promotes between tensors: bool < int32 < float32 < float64', () => {
      expect(add(i32([1]), i32([2])).dtype).toBe('int32');
      expect(add(i32([1]), t([2])).dtype).toBe('float32');
      expect(add(t([1]), t([2], 'float64')).dtype).toBe('float64');
      expect(add(t([true]), i32([2])).dtype).toBe('int32');
      expectExact(mul(t([true, false]), i32([5, 5])), [5, 0], 'int32');
      expectClose(add(i32([1, -2]), t([0.5, 0.25], 'float64')), [1.5, -1.75]);
    });

    it('keeps bool + bool as bool (logical or, like PyTorch)', () => {
      expectExact(add(t([true, true, false]), t([true, false, false])), [1, 1, 0], 'bool');
    });

    it('treats JS numbers as weak scalars', () => {
      const f32 = add(t([1]), 1.5);
      expect(f32.dtype).toBe('float32');
      expect(add(t([1], 'float64'), 2).dtype).toBe('float64');
      expectExact(add(i32([1, 2]), 3), [4, 5], 'int32');
      expectClose(add(i32([1, 2]), 0.5), [1.5, 2.5]);
      expect(add(i32([1, 2]), 0.5).dtype).toBe('float32');
      expectExact(add(t([true, false]), 2), [3, 2], 'int32');
      expectClose(mul(t([true, false]), 0.5), [0.5, 0]);
      expect(mul(t([true, false]), 0.5).dtype).toBe('float32');
      // the scalar is rounded to float32 with the tensor, as PyTorch computes in float32
      expect(add(t([0.1]), 0.2).item()).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    });

    it('puts scalars on either side', () => {
      expectClose(sub(1, t([0.25, 2])), [0.75, -1]);
      expectClose(div(3, t([2, 4], 'float64')), [1.5, 0.75]);
      expectExact(lt(1, t([0, 1, 2])), [0, 0, 1], 'bool');
      expect(() => add(1 as never, 2 as never)).toThrow('add: at least one operand must be a Tensor, got two numbers (1, 2)');
    });

    it('divides integers into float32 (true division)', () => {
      const q = div(i32([7, -7, 1]), i32([2, 2, 3]));
      expect(q.dtype).toBe('float32');
      expectClose(q, [3.5, -3.5, 1 / 3]);
      expect(div(i32([1]), 2).dtype).toBe('float32');
      expect(div(t([true]), t([true])).dtype).toBe('float32');
    });

    it('keeps int32 for +, -, *, pow with integers, computing exactly', () => {
      expectExact(sub(i32([5, -3]), i32([7, 4])), [-2, -7], 'int32');
      const k = Math.min(46340, Math.floor(Math.sqrt(maxExactInt(backend)))); // 46340² = 2147395600 < 2³¹; 4096² = 2²⁴ on the gpu
      expectExact(mul(i32([k, -3]), i32([k, 4])), [k * k, -12], 'int32');
      expectExact(pow(i32([2, 3, -2]), 3), [8, 27, -8], 'int32');
      expectExact(maximum(i32([1, 5]), i32([4, 2])), [4, 5], 'int32');
    });

    it('returns bool from comparisons whatever the inputs', () => {
      expect(eq(i32([1]), t([1], 'float64')).dtype).toBe('bool');
      expectExact(eq(i32([2, 3]), 2.5), [0, 0], 'bool');
      expectExact(lt(i32([2, 3]), 2.5), [1, 0], 'bool');
      expectExact(eq(t([0.1]), 0.1), [1], 'bool'); // both rounded to float32
    });
  });

  describe('comparisons and logic', () => {
    it('compares element-wise with broadcasting', () => {
      const x = t([[1, 2, 3]]);
      const y = t([[2], [3]]);
      expectExact(eq(x, y), [[0, 1, 0], [0, 0, 1]], 'bool');
      expectExact(ne(x, y), [[1, 0, 1], [1, 1, 0]], 'bool');
      expectExact(lt(x, y), [[1, 0, 0], [1, 1, 0]], 'bool');
      expectExact(le(x, y), [[1, 1, 0], [1, 1, 1]], 'bool');
      expectExact(gt(x, y), [[0, 0, 1], [0, 0, 0]], 'bool');
      expectExact(ge(x, y), [[0, 1, 1], [0, 0, 1]], 'bool');
    });

    it('treats NaN as unequal to everything and infinities as ordered', () => {
      const x = t([NaN, NaN, Infinity, -Infinity], 'float64');
      const y = t([NaN, 1, Infinity, 0], 'float64');
      expectExact(eq(x, y), [0, 0, 1, 0]);
      expectExact(ne(x, y), [1, 1, 0, 1]);
      expectExact(lt(x, y), [0, 0, 0, 1]);
      expectExact(ge(x, y), [0, 0, 1, 0]);
    });

    it('combines with and/or/not, reading any nonzero (NaN included) as true', () => {
      const p = t([true, true, false, false]);
      const q = t([true, false, true, false]);
      expectExact(logicalAnd(p, q), [1, 0, 0, 0], 'bool');
      expectExact(logicalOr(p, q), [1, 1, 1, 0], 'bool');
      expectExact(logicalNot(p), [0, 0, 1, 1], 'bool');
      expectExact(logicalAnd(t([0.5, NaN, 0, -0]), 1), [1, 1, 0, 0], 'bool');
      expectExact(logicalOr(t([0, NaN], 'float64'), 0), [0, 1], 'bool');
      expectExact(logicalNot(t([0, 2, NaN, -0])), [1, 0, 0, 1], 'bool');
      expectExact(logicalNot(t([0, -3], 'int32')), [1, 0], 'bool');
    });
  });

  describe.each(FLOATS)('unary ops in %s', (dtype) => {
    it('neg, abs, sign, relu, floor', () => {
      const x = t([-2.5, -0, 0, 1.5, NaN, -Infinity], dtype);
      expectClose(neg(x), [2.5, 0, -0, -1.5, NaN, Infinity]);
      expectClose(abs(x), [2.5, 0, 0, 1.5, NaN, Infinity]);
      expectClose(sign(x), [-1, -0, 0, 1, NaN, -1]);
      expectClose(relu(x), [0, 0, 0, 1.5, NaN, 0]);
      expectClose(floor(t([-2.5, -0.5, 0.5, 2, 1e20], dtype)), [-3, -1, 0, 2, 1e20]);
      expect(Object.is(sign(x).dataSync()[1], -0)).toBe(true); // sign(-0) = -0
    });

    it('exp, log, sqrt, rsqrt at ordinary and edge values', () => {
      expectClose(exp(t([0, 1.5, -Infinity, Infinity, NaN], dtype)), [1, 4.4816890703380645, 0, Infinity, NaN]);
      expectClose(log(t([1, 2.5, 0, -1, Infinity], dtype)), [0, 0.9162907318741551, -Infinity, NaN, Infinity]);
      expectClose(sqrt(t([4, 2, 0, -1], dtype)), [2, Math.SQRT2, 0, NaN]);
      expectClose(rsqrt(t([4, 0.25, 0, Infinity], dtype)), [0.5, 2, Infinity, 0]);
    });

    it('tanh and sigmoid, saturating without overflow far from 0', () => {
      expectClose(tanh(t([0, 0.5, -0.5, 30, -Infinity], dtype)), [0, 0.46211715726000974, -0.46211715726000974, 1, -1]);
      expectClose(sigmoid(t([0, 2, -2, 800, -800, Infinity, -Infinity], dtype)), [0.5, 0.8807970779778823, 1 - 0.8807970779778823, 1, 0, 1, 0]);
    });

    it('erf matches the C library to ~1 ulp (float64) across its approximation ranges', () => {
      const xs = [0.1, 0.5, -0.3, 0.84375, 1, 1.25, 2, 2.857, 3.5, 5.9, 1e-10, 6, -7, Infinity, -Infinity, NaN];
      const want = [
        0.1124629160182849, 0.5204998778130465, -0.3286267594591274, 0.7672256612323416, 0.8427007929497149, 0.9229001282564582,
        0.9953222650189527, 0.9999466417399131, 0.9999992569016276, 0.9999999999999999, 1.1283791670955126e-10, 1, -1, 1, -1, NaN,
      ];
      // float32 inputs are rounded first (0.1, 0.3, 2.857, 5.9 change), so compare against the float64 op on them.
      const ref = dtype === 'float64' ? want : (erf(t(xs, 'float32').to('float64')).toArray() as number[]);
      expectClose(erf(t(xs, dtype)), ref, dtype === 'float64' ? { rtol: 4e-16, atol: 0 } : {});
      if (dtype === 'float32') expectClose(erf(t(xs, dtype)), want, { rtol: 2e-6 });
    });

    it('sin and cos', () => {
      expectClose(sin(t([0, 1, Math.PI / 2], dtype)), [0, 0.8414709848078965, 1]);
      expectClose(cos(t([0, 1, Math.PI], dtype)), [1, 0.5403023058681398, -1]);
      expectClose(sin(t([Infinity], dtype)), [NaN]);
    });

    it('keep the dtype and shape, read non-contiguous inputs, and handle empty tensors', () => {
      const x = t([[0.5, 1], [2, 4]], dtype).transpose();
      const r = sqrt(x);
      expect(r.dtype).toBe(dtype);
      expectClose(r, [[Math.SQRT1_2, Math.SQRT2], [1, 2]]);
      expectClose(exp(t([[0], [1]], dtype).expand([2, 2])), [[1, 1], [Math.E, Math.E]]);
      expect(exp(zeros([0, 2], { backend, dtype })).shape).toEqual([0, 2]);
      expectClose(exp(t(0, dtype)), 1);
    });
  });

  describe('unary dtypes', () => {
    it('maps int32 to float32 for real-valued functions, keeps int32 otherwise', () => {
      const i = t([4, -9], 'int32');
      expect(sqrt(i).dtype).toBe('float32');
      expectClose(sqrt(t([4, 9], 'int32')), [2, 3]);
      expect(exp(i).dtype).toBe('float32');
      expectExact(neg(i), [-4, 9], 'int32');
      expectExact(abs(i), [4, 9], 'int32');
      expectExact(sign(i), [1, -1], 'int32');
      expectExact(relu(i), [4, 0], 'int32');
      expectExact(floor(i), [4, -9], 'int32');
      expect(logicalNot(i).dtype).toBe('bool');
    });

    it('returns fresh contiguous storage', () => {
      const x = t([1, 2]);
      expect(neg(x).storage).not.toBe(x.storage);
      expect(add(x, 0).storage).not.toBe(x.storage);
    });
  });

  describe('where', () => {
    it('picks from a or b by a broadcast bool condition', () => {
      const cond = t([[true], [false]]);
      expectClose(where(cond, t([1, 2, 3]), t([[10, 20, 30], [40, 50, 60]])), [[1, 2, 3], [40, 50, 60]]);
      expectClose(where(t([true, false, true]), 1, -1), [1, -1, 1]);
      expectClose(where(gt(t([-1, 0, 2]), 0), t([-1, 0, 2]), 0), [0, 0, 2]);
    });

    it('does not leak NaN or inf from the branch it does not pick', () => {
      expectClose(where(t([true, false]), t([1, NaN]), t([Infinity, 2])), [1, 2]);
    });

    it('promotes the two branches like a binary op', () => {
      expect(where(t([true]), t([1], 'float32'), 0).dtype).toBe('float32');
      expect(where(t([true]), t([1], 'int32'), 0).dtype).toBe('int32');
      expect(where(t([true]), t([1], 'int32'), 0.5).dtype).toBe('float32');
      expect(where(t([true]), t([1], 'int32'), t([1], 'float64')).dtype).toBe('float64');
      expect(where(t([true]), 1, 0).dtype).toBe('float32');
      expectClose(where(t([false, true]), t([1, 2], 'int32'), 0.5), [0.5, 2]);
    });

    it('reads non-contiguous condition and branches', () => {
      const cond = t([[true, false], [false, true]]).transpose();
      const a = t([[1, 2], [3, 4]]).transpose();
      const b = t([[0, 0, 9, 9]]).slice(1, 0, undefined, 2).expand([2, 2]);
      expectClose(where(cond, a, b), [[1, 9], [0, 4]]);
    });

    it('insists on a bool condition and broadcastable shapes', () => {
      expect(() => where(t([1, 0]), 1, 0)).toThrow('where: condition must be a bool tensor (e.g. x.gt(0)), got float32');
      expect(() => where(t([true, false]), t([1, 2, 3]), 0)).toThrow('where: shapes [2] and [3] and [] cannot be broadcast (dim 0: 2 vs 3)');
    });
  });

  describe('clamp', () => {
    it('clamps to [min, max], either bound optional, NaN passing through', () => {
      const x = t([-3, -0.5, 0.5, 3, NaN]);
      expectClose(clamp(x, -1, 1), [-1, -0.5, 0.5, 1, NaN]);
      expectClose(clamp(x, 0), [0, 0, 0.5, 3, NaN]);
      expectClose(clamp(x, undefined, 0), [-3, -0.5, 0, 0, NaN]);
      expectExact(clamp(t([-5, 5], 'int32'), -2, 2), [-2, 2], 'int32');
      expect(clamp(t([-5, 5], 'int32'), -1.5).dtype).toBe('float32');
    });

    it('rejects missing or crossed bounds', () => {
      expect(() => clamp(t([1]))).toThrow('clamp: give at least one of min and max');
      expect(() => clamp(t([1]), 2, 1)).toThrow('clamp: min 2 is greater than max 1');
    });
  });

  it('refuses to mix backends, naming both', () => {
    const here = t([1, 2]);
    const there = tensor([1, 2], { backend: 'cpu-other' });
    const names = `(${here.backend.name} and cpu-other)`;
    expect(() => add(here, there)).toThrow(`add: tensors are on different backends ${names}; move one with .to('${here.backend.name}')`);
    expect(() => where(t([true, false]), here, there)).toThrow('where: tensors are on different backends');
    expectClose(add(here, there.to(backend)), [2, 4]);
  });

  it('exposes the same ops as Tensor methods', () => {
    const x = t([1, 4]);
    expectClose(x.add(1).mul(2).sub(x).div(2).pow(2), [1.5 ** 2, 3 ** 2]);
    expectExact(x.gt(2).logicalOr(x.eq(1)), [1, 1], 'bool');
    expectClose(x.sqrt().neg().abs().exp().log(), [1, 2]);
  });
});
