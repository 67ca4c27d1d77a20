import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, type Backend } from '../backend.js';
import { backends, expectClose, expectExact, maker } from '../testing/backends.js';
import { arange, tensor, zeros } from './create.js';
import { chunk, concat, split, stack } from './join.js';

describe.each(backends)('joining and splitting on %s', (backend) => {
  const t = maker(backend);

  describe('concat', () => {
    it('joins along axis 0, 1 or -1', () => {
      expectClose(concat([t([[1, 2]]), t([[3, 4], [5, 6]])]), [[1, 2], [3, 4], [5, 6]]);
      expectClose(concat([t([[1], [2]]), t([[3, 4], [5, 6]])], 1), [[1, 3, 4], [2, 5, 6]]);
      expectClose(concat([t([[1], [2]]), t([[3], [4]]), t([[5], [6]])], -1), [[1, 3, 5], [2, 4, 6]]);
      expectClose(concat([t([1, 2]), t([3])]), [1, 2, 3]);
    });

    it('reads transposed, stepped and expanded pieces', () => {
      const a = t([[1, 2], [3, 4]]).transpose(); // [[1,3],[2,4]]
      const b = t([[9, 5, 9, 6], [9, 7, 9, 8]]).slice(1, 1, undefined, 2); // [[5,6],[7,8]]
      const c = t([[0, 1]]).expand([2, 2]);
      expectClose(concat([a, b, c], 1), [[1, 3, 5, 6, 0, 1], [2, 4, 7, 8, 0, 1]]);
      expectClose(concat([a, c]), [[1, 3], [2, 4], [0, 1], [0, 1]]);
    });

    it('skips nothing and copies: empty pieces add no rows; one tensor gives a fresh copy', () => {
      expectClose(concat([zeros([0, 2], { backend }), t([[1, 2]]), zeros([0, 2], { backend })]), [[1, 2]]);
      expect(concat([zeros([2, 0], { backend }), zeros([2, 0], { backend })], 1).shape).toEqual([2, 0]);
      const x = t([1, 2]);
      const c = concat([x]);
      expect(c.storage).not.toBe(x.storage);
      expectClose(c, [1, 2]);
    });

    it('keeps float64, int32 and bool', () => {
      expectClose(concat([t([0.1], 'float64'), t([0.2], 'float64')]), [0.1, 0.2]);
      expectExact(concat([t([1], 'int32'), t([2, 3], 'int32')]), [1, 2, 3], 'int32');
      expectExact(concat([t([true]), t([false, true])]), [1, 0, 1], 'bool');
    });

    it('names the tensor, shapes, dtypes and axis in its errors', () => {
      expect(() => concat([])).toThrow('concat: needs at least one tensor');
      expect(() => concat([t([[1, 2]]), t([[1, 2, 3]])])).toThrow('concat: tensor 1 of shape [1,3] does not match tensor 0 of shape [1,2] outside axis 0');
      expect(() => concat([t([[1, 2]]), t([1, 2])])).toThrow('concat: tensor 1 of shape [2] does not match tensor 0 of shape [1,2] outside axis 0');
      expect(() => concat([t([1]), t([1], 'float64')])).toThrow('concat: tensor 1 has dtype float64, tensor 0 has float32');
      expect(() => concat([t([1]), t([1])], 1)).toThrow('concat: axis 1 is out of range for a tensor of rank 1');
      expect(() => concat([t(1), t(2)])).toThrow('concat: cannot be applied to a 0-d tensor');
      registerBackend(Object.assign(Object.create(getBackend('cpu')) as Backend, { name: 'cpu-other' }));
      expect(() => concat([t([1]), tensor([2], { backend: 'cpu-other' })])).toThrow('concat: tensors are on different backends');
    });
  });

  describe('stack', () => {
    it('joins along a new axis', () => {
      expectClose(stack([t([1, 2]), t([3, 4])]), [[1, 2], [3, 4]]);
      expectClose(stack([t([1, 2]), t([3, 4])], 1), [[1, 3], [2, 4]]);
      expectClose(stack([t([1, 2]), t([3, 4]), t([5, 6])], -1), [[1, 3, 5], [2, 4, 6]]);
      expectClose(stack([t(1), t(2)]), [1, 2]);
      expectClose(stack([t([[1, 2]]).transpose(), t([[3], [4]])], 0), [[[1], [2]], [[3], [4]]]);
    });

    it('requires equal shapes and a valid axis', () => {
      expect(() => stack([])).toThrow('stack: needs at least one tensor');
      expect(() => stack([t([1, 2]), t([1, 2, 3])])).toThrow('stack: tensor 1 has shape [3], tensor 0 has [2]');
      expect(() => stack([t([1]), t([2])], 2)).toThrow('stack: axis 2 is out of range');
    });
  });

  describe('split and chunk', () => {
    it('splits into views of a given size (the last may be smaller)', () => {
      const x = arange(7, { dtype: 'float32', backend });
      const parts = split(x, 3);
      expect(parts.map((p) => p.shape[0])).toEqual([3, 3, 1]);
      expect(parts.every((p) => p.storage === x.storage)).toBe(true);
      expectClose(parts[1]!, [3, 4, 5]);
      expectClose(parts[2]!, [6]);
      expect(split(x, 10).map((p) => p.shape[0])).toEqual([7]);
    });

    it('splits by a list of sizes along any axis', () => {
      const x = arange(12, { dtype: 'float32', backend }).reshape([3, 4]);
      const [a, b, c] = split(x, [1, 0, 3], 1) as [typeof x, typeof x, typeof x];
      expectClose(a, [[0], [4], [8]]);
      expect(b.shape).toEqual([3, 0]);
      expectClose(c, [[1, 2, 3], [5, 6, 7], [9, 10, 11]]);
      expect(c.storage).toBe(x.storage);
      expectClose(split(x.transpose(), [3, 1])[1]!, [[3, 7, 11]]);
    });

    it('splits an empty dim into one empty piece', () => {
      const parts = split(zeros([0, 2], { backend }), 2);
      expect(parts.length).toBe(1);
      expect(parts[0]!.shape).toEqual([0, 2]);
    });

    it('chunks into ceil(n / chunks)-sized pieces, possibly fewer than asked (as PyTorch)', () => {
      const sizes = (n: number, k: number) => chunk(arange(n, { backend }), k).map((p) => p.shape[0]);
      expect(sizes(6, 4)).toEqual([2, 2, 2]);
      expect(sizes(7, 3)).toEqual([3, 3, 1]);
      expect(sizes(5, 5)).toEqual([1, 1, 1, 1, 1]);
      expect(sizes(2, 5)).toEqual([1, 1]);
      expectExact(chunk(arange(6, { backend }).reshape([2, 3]), 3, 1)[2]!, [[2], [5]], 'int32');
    });

    it('rejects bad sizes and counts, naming the dim', () => {
      const x = arange(7, { backend });
      expect(() => split(x, [2, 2])).toThrow('split: sizes [2,2] do not add up to dim 0 of size 7');
      expect(() => split(x, [8, -1])).toThrow('split: sizes [8,-1] do not add up to dim 0 of size 7');
      expect(() => split(x, 0)).toThrow('split: size must be a positive integer, got 0');
      expect(() => split(x, 2, 1)).toThrow('split: axis 1 is out of range for a tensor of rank 1');
      expect(() => chunk(x, 0)).toThrow('chunk: chunks must be a positive integer, got 0');
      expect(() => chunk(t(1), 2)).toThrow('chunk: cannot be applied to a 0-d tensor');
    });

    it('are Tensor methods too', () => {
      const x = arange(4, { backend });
      expect(x.split(2).length).toBe(2);
      expectExact(x.chunk(2)[1]!, [2, 3], 'int32');
    });
  });
});
