import { describe, expect, it } from 'vitest';
import { arange, tensor } from './ops/create.js';
import { backends, expectExact, maker } from './testing/backends.js';
import { expand, flatten, narrow, permute, reshape, select, slice, squeeze, transpose, unsqueeze, view } from './views.js';

describe.each(backends)('views on %s', (backend) => {
  const t = maker(backend);
  /** [2, 3, 4] float32 holding 0..23. */
  const cube = () => arange(24, { dtype: 'float32', backend }).reshape([2, 3, 4]);
  const mat = () => t([[0, 1, 2], [3, 4, 5]]);

  describe('view', () => {
    it('re-splits contiguous data without copying', () => {
      const x = cube();
      const v = view(x, [4, 6]);
      expect(v.storage).toBe(x.storage);
      expect(v.shape).toEqual([4, 6]);
      expect(v.strides).toEqual([6, 1]);
      expect(v.offset).toBe(0);
      expect(v.toArray()).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17], [18, 19, 20, 21, 22, 23]]);
    });

    it('infers one -1 dimension, including for empty tensors', () => {
      expect(view(cube(), [-1, 8]).shape).toEqual([3, 8]);
      expect(view(cube(), [2, -1]).shape).toEqual([2, 12]);
      expect(view(cube(), [-1]).shape).toEqual([24]);
      expect(view(t([]), [0, -1]).shape).toEqual([0, 0]);
      expect(view(t(5), [1, 1]).toArray()).toEqual([[5]]);
      expect(view(t([5]), []).toArray()).toBe(5);
    });

    it('rejects a wrong element count, two -1s and negative dims, naming the shapes', () => {
      expect(() => view(cube(), [5, 5])).toThrow('view: cannot reshape [2,3,4] (24 elements) into [5,5]');
      expect(() => view(cube(), [-1, 5])).toThrow('view: cannot reshape [2,3,4] (24 elements) into [-1,5]');
      expect(() => view(cube(), [-1, -1])).toThrow('view: only one dimension can be -1, got [-1,-1]');
      expect(() => view(cube(), [-2, -12])).toThrow('view: invalid shape [-2,-12]');
    });

    it('views a transposed tensor when the new shape only splits or adds size-1 dims', () => {
      const x = mat().transpose(); // [3, 2], strides [1, 3]
      const v = view(x, [3, 1, 2]);
      expect(v.storage).toBe(x.storage);
      expect(v.strides[0]).toBe(1);
      expect(v.strides[2]).toBe(3);
      expect(v.toArray()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
      // Splitting the stride-3 dim: [3, 2] strides [1, 3] → [3, 2, 1]
      expect(view(x, [3, 2, 1]).toArray()).toEqual([[[0], [3]], [[1], [4]], [[2], [5]]]);
    });

    it('refuses to flatten a transposed tensor and says to use reshape', () => {
      const x = mat().transpose();
      expect(() => view(x, [6])).toThrow('view: a tensor of shape [3,2] with strides [1,3] cannot be viewed as [6]; use reshape (it copies)');
    });

    it('merges dims that are contiguous with each other inside a sliced tensor', () => {
      // Every other row of a [4, 2, 3] tensor: dims 1 and 2 are still contiguous together.
      const x = arange(24, { dtype: 'float32', backend }).reshape([4, 2, 3]).slice(0, 0, undefined, 2);
      expect(x.strides).toEqual([12, 3, 1]);
      const v = view(x, [2, 6]);
      expect(v.storage).toBe(x.storage);
      expect(v.strides).toEqual([12, 1]);
      expect(v.toArray()).toEqual([[0, 1, 2, 3, 4, 5], [12, 13, 14, 15, 16, 17]]);
      expect(() => view(x, [12])).toThrow('cannot be viewed as [12]');
    });

    it('splits an expanded (stride-0) dim into stride-0 dims', () => {
      const x = t([[1, 2, 3]]).expand([4, 3]);
      const v = view(x, [2, 2, 3]);
      expect(v.strides).toEqual([0, 0, 1]);
      expect(v.toArray()).toEqual([[[1, 2, 3], [1, 2, 3]], [[1, 2, 3], [1, 2, 3]]]);
      expect(() => view(x, [12])).toThrow('view: a tensor of shape [4,3] with strides [0,1] cannot be viewed as [12]');
    });
  });

  describe('reshape', () => {
    it('is a view when it can be', () => {
      const x = cube();
      expect(reshape(x, [6, 4]).storage).toBe(x.storage);
      const xt = mat().transpose();
      expect(reshape(xt, [3, 2, 1]).storage).toBe(xt.storage);
    });

    it('copies (with the right element order) when a view is impossible', () => {
      const x = mat().transpose();
      const r = reshape(x, [6]);
      expect(r.storage).not.toBe(x.storage);
      expect(r.isContiguous()).toBe(true);
      expectExact(r, [0, 3, 1, 4, 2, 5]);
      const e = reshape(t([[1, 2]]).expand([3, 2]), [2, 3]);
      expectExact(e, [[1, 2, 1], [2, 1, 2]]);
    });

    it('names reshape in its errors', () => {
      expect(() => reshape(cube(), [7, -1])).toThrow('reshape: cannot reshape [2,3,4] (24 elements) into [7,-1]');
    });
  });

  describe('contiguous and clone', () => {
    it('contiguous returns the tensor itself when already contiguous (size-1 dims ignored)', () => {
      const x = cube();
      expect(x.contiguous()).toBe(x);
      const col = arange(3, { dtype: 'float32', backend }).reshape([3, 1]).transpose(); // [1, 3] strides [1, 1]
      expect(col.isContiguous()).toBe(true);
      expect(col.contiguous()).toBe(col);
      const sliced = x.slice(0, 1); // offset 12, still contiguous
      expect(sliced.offset).toBe(12);
      expect(sliced.contiguous()).toBe(sliced);
    });

    it('contiguous copies a transposed, stepped or expanded view into row-major order', () => {
      const xt = mat().transpose();
      expect(xt.isContiguous()).toBe(false);
      const c = xt.contiguous();
      expect(c.storage).not.toBe(xt.storage);
      expect(c.strides).toEqual([2, 1]);
      expect(c.offset).toBe(0);
      expectExact(c, [[0, 3], [1, 4], [2, 5]]);
      const stepped = t([0, 1, 2, 3, 4, 5]).slice(0, 1, undefined, 2);
      expect(stepped.isContiguous()).toBe(false);
      expectExact(stepped.contiguous(), [1, 3, 5]);
      const ex = t([[7], [8]]).expand([2, 3]);
      expect(ex.isContiguous()).toBe(false);
      expectExact(ex.contiguous(), [[7, 7, 7], [8, 8, 8]]);
    });

    it('clone always copies, even a contiguous tensor', () => {
      const x = cube();
      const c = x.clone();
      expect(c.storage).not.toBe(x.storage);
      expectExact(c, x.toArray() as number[][][]);
    });
  });

  describe('permute and transpose', () => {
    it('permutes shape and strides together', () => {
      const x = cube();
      const p = permute(x, [2, 0, 1]);
      expect(p.storage).toBe(x.storage);
      expect(p.shape).toEqual([4, 2, 3]);
      expect(p.strides).toEqual([1, 12, 4]);
      expect((p.toArray() as number[][][])[3]![1]![2]).toBe(1 * 12 + 2 * 4 + 3);
      expect(permute(x, [-1, 0, 1]).shape).toEqual([4, 2, 3]);
    });

    it('rejects wrong, repeated or out-of-range axes', () => {
      expect(() => permute(cube(), [0, 1])).toThrow('permute: got 2 axes [0,1] for a tensor of rank 3');
      expect(() => permute(cube(), [0, 1, 1])).toThrow('permute: axes [0,1,1] repeat an axis');
      expect(() => permute(cube(), [0, 1, 3])).toThrow('permute: axis 3 is out of range for a tensor of rank 3');
    });

    it('transposes the last two dims by default, or any two', () => {
      const x = cube();
      expect(transpose(x).shape).toEqual([2, 4, 3]);
      expect(transpose(x).strides).toEqual([12, 1, 4]);
      expect(transpose(x, 0, 2).shape).toEqual([4, 3, 2]);
      expectExact(transpose(mat()), [[0, 3], [1, 4], [2, 5]]);
      expect(transpose(transpose(mat())).strides).toEqual([3, 1]);
      expect(() => transpose(t([1, 2]))).toThrow('transpose: axis -2 is out of range for a tensor of rank 1');
    });

    it('leaves a 0-d tensor as it is, as PyTorch does for transpose(0, -1)', () => {
      expectExact(transpose(t(4), 0, -1), 4);
    });
  });

  describe('slice, narrow, select', () => {
    it('slices with start, end and step, sharing storage', () => {
      const x = t([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const s = slice(x, 0, 1, 8, 3);
      expect(s.storage).toBe(x.storage);
      expect(s.offset).toBe(1);
      expect(s.strides).toEqual([3]);
      expectExact(s, [1, 4, 7]);
      expectExact(slice(x, 0, 7), [7, 8, 9]);
      expectExact(slice(x, 0, undefined, 2, 1), [0, 1]);
    });

    it('counts negative bounds from the end and clamps out-of-range bounds, as Python slicing', () => {
      const x = t([0, 1, 2, 3, 4]);
      expectExact(slice(x, 0, -2), [3, 4]);
      expectExact(slice(x, 0, -100, 2), [0, 1]);
      expectExact(slice(x, 0, 3, 100), [3, 4]);
      expect(slice(x, 0, 4, 2).shape).toEqual([0]);
      expect(slice(x, 0, 10).shape).toEqual([0]);
    });

    it('slices inner axes of matrices and composes', () => {
      const x = cube();
      const s = slice(slice(x, 2, 1, undefined, 2), 1, -1);
      expect(s.shape).toEqual([2, 1, 2]);
      expect(s.offset).toBe(8 + 1);
      expect(s.strides).toEqual([12, 4, 2]);
      expectExact(s, [[[9, 11]], [[21, 23]]]);
    });

    it('rejects a non-positive step and 0-d input', () => {
      expect(() => slice(t([1, 2]), 0, 0, 2, 0)).toThrow('slice: step must be a positive integer, got 0');
      expect(() => slice(t([1, 2]), 0, 0, 2, -1)).toThrow('slice: step must be a positive integer, got -1');
      expect(() => slice(t(1), 0)).toThrow('slice: cannot be applied to a 0-d tensor');
      expect(() => slice(t([1]), 1)).toThrow('slice: axis 1 is out of range for a tensor of rank 1');
    });

    it('narrows by start and length, erroring instead of clamping', () => {
      const x = mat();
      expectExact(narrow(x, 1, 1, 2), [[1, 2], [4, 5]]);
      expectExact(narrow(x, -1, -2, 1), [[1], [4]]);
      expect(narrow(x, 0, 2, 0).shape).toEqual([0, 3]);
      expect(() => narrow(x, 1, 2, 2)).toThrow('narrow: start 2 + length 2 exceeds dim 1 of size 3 (shape [2,3])');
      expect(() => narrow(x, 1, 0, -1)).toThrow('narrow: start 0 + length -1 exceeds dim 1 of size 3');
    });

    it('selects an index and drops the axis', () => {
      const x = cube();
      const s = select(x, 1, 2);
      expect(s.storage).toBe(x.storage);
      expect(s.shape).toEqual([2, 4]);
      expect(s.offset).toBe(8);
      expectExact(s, [[8, 9, 10, 11], [20, 21, 22, 23]]);
      expectExact(select(x, -1, -1), [[3, 7, 11], [15, 19, 23]]);
      expectExact(select(t([5, 6]), 0, 1), 6);
    });

    it('rejects an out-of-range index and 0-d input', () => {
      expect(() => select(mat(), 1, 3)).toThrow('select: index 3 is out of range for dim 1 of size 3');
      expect(() => select(mat(), 0, -3)).toThrow('select: index -3 is out of range for dim 0 of size 2');
      expect(() => select(t(3), 0, 0)).toThrow('select: cannot be applied to a 0-d tensor');
    });
  });

  describe('expand', () => {
    it('broadcasts size-1 and new leading dims with stride 0', () => {
      const x = t([[1], [2]]);
      const e = expand(x, [3, 2, 4]);
      expect(e.storage).toBe(x.storage);
      expect(e.strides).toEqual([0, 1, 0]);
      expectExact(e, [[[1, 1, 1, 1], [2, 2, 2, 2]], [[1, 1, 1, 1], [2, 2, 2, 2]], [[1, 1, 1, 1], [2, 2, 2, 2]]]);
      expect(expand(x, [-1, 3]).shape).toEqual([2, 3]);
      expect(expand(t(5), [2, 2]).strides).toEqual([0, 0]);
      expect(expand(x, [2, 0]).shape).toEqual([2, 0]);
    });

    it('rejects non-1 dims, fewer dims, and -1 for a new dim', () => {
      expect(() => expand(t([1, 2]), [3])).toThrow('expand: cannot expand [2] to [3] (dim 0: 2 → 3; only size-1 dims expand)');
      expect(() => expand(mat(), [3])).toThrow('expand: cannot expand [2,3] to fewer dims [3]');
      expect(() => expand(t([1]), [-1, 2])).toThrow('expand: -1 is not allowed for the new leading dim 0 in [-1,2]');
    });
  });

  describe('squeeze, unsqueeze, flatten', () => {
    it('squeezes all size-1 dims or the given ones', () => {
      const x = arange(3, { dtype: 'float32', backend }).reshape([1, 3, 1, 1]);
      expect(squeeze(x).shape).toEqual([3]);
      expect(squeeze(x, 2).shape).toEqual([1, 3, 1]);
      expect(squeeze(x, [0, -1]).shape).toEqual([3, 1]);
      expect(squeeze(x).storage).toBe(x.storage);
      expect(() => squeeze(x, 1)).toThrow('squeeze: dim 1 of [1,3,1,1] has size 3, not 1');
    });

    it('squeezes a 0-d tensor to itself (dims 0 and -1 accepted, like PyTorch)', () => {
      expectExact(squeeze(t(2)), 2);
      expectExact(squeeze(t(2), 0), 2);
      expectExact(squeeze(t(2), -1), 2);
      expect(() => squeeze(t(2), 1)).toThrow('squeeze: axis 1 is out of range for a tensor of rank 0');
    });

    it('unsqueezes at any position, counted in the result', () => {
      const x = mat();
      expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
      expect(unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
      expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
      expect(unsqueeze(x, 2).strides).toEqual([3, 1, 1]);
      expect(unsqueeze(x, 0).strides).toEqual([6, 3, 1]);
      expect(unsqueeze(t(1), 0).shape).toEqual([1]);
      expect(() => unsqueeze(x, 4)).toThrow('unsqueeze: axis 4 is out of range for a tensor of rank 3');
      // unsqueeze keeps a transposed view a view and a contiguous one contiguous
      expect(unsqueeze(x.transpose(), 1).isContiguous()).toBe(false);
      expect(unsqueeze(x, 1).isContiguous()).toBe(true);
    });

    it('flattens all or some dims (a view when possible, a copy otherwise)', () => {
      const x = cube();
      expect(flatten(x).shape).toEqual([24]);
      expect(flatten(x).storage).toBe(x.storage);
      expect(flatten(x, 1).shape).toEqual([2, 12]);
      expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
      expect(flatten(t(3)).shape).toEqual([1]);
      const xt = mat().transpose();
      const f = flatten(xt);
      expect(f.storage).not.toBe(xt.storage);
      expectExact(f, [0, 3, 1, 4, 2, 5]);
      expect(() => flatten(x, 2, 1)).toThrow('flatten: startDim 2 comes after endDim 1');
    });
  });

  it('chains views over one storage and reads the right elements', () => {
    const x = cube();
    // x[1, :, ::3] transposed, then a new leading dim expanded to 2
    const v = x.select(0, 1).slice(1, 0, undefined, 3).transpose().unsqueeze(0).expand([2, 2, 3]);
    expect(v.storage).toBe(x.storage);
    expect(v.strides).toEqual([0, 3, 4]);
    expectExact(v, [[[12, 16, 20], [15, 19, 23]], [[12, 16, 20], [15, 19, 23]]]);
    expectExact(v.contiguous().reshape([-1]).slice(0, 4, 8), [19, 23, 12, 16]);
  });

  it('keeps the bool and int32 dtypes through views', () => {
    const b = tensor([[true, false], [false, true]], { backend });
    expect(b.transpose().dtype).toBe('bool');
    expectExact(b.transpose().reshape([4]), [1, 0, 0, 1]);
    const i = arange(6, { backend }).reshape([2, 3]);
    expect(i.dtype).toBe('int32');
    expectExact(i.transpose().contiguous(), [[0, 3], [1, 4], [2, 5]], 'int32');
  });
});
