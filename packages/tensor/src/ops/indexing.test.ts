import { describe, expect, it } from 'vitest';
import { backends, expectClose, expectExact, maker } from '../testing/backends.js';
import { arange, zeros } from './create.js';
import { gather, indexSelect, oneHot, scatterAdd } from './indexing.js';

describe.each(backends)('indexing on %s', (backend) => {
  const t = maker(backend);
  const ids = (data: Parameters<typeof t>[0]) => t(data, 'int32');
  const x = () => t([[1, 2, 3], [4, 5, 6]], 'float64');

  describe('gather', () => {
    it('picks along an axis; the result has the index shape', () => {
      expectClose(gather(x(), 1, ids([[2, 0], [1, 1]])), [[3, 1], [5, 5]]);
      expectClose(gather(x(), 0, ids([[1, 0, 1]])), [[4, 2, 6]]);
      expectClose(gather(x(), -1, ids([[0, 0, 0, 0], [2, 2, 2, 2]])), [[1, 1, 1, 1], [6, 6, 6, 6]]); // longer than the axis
      expectClose(gather(x(), 1, ids([[1]])), [[2]]); // smaller in the other dim
      expect(gather(x(), 1, zeros([2, 0], { backend, dtype: 'int32' })).shape).toEqual([2, 0]);
      expect(gather(x(), 1, ids([[0]])).dtype).toBe('float64');
    });

    it('reads a transposed input and an expanded or transposed index', () => {
      const xt = x().transpose(); // [[1,4],[2,5],[3,6]]
      expectClose(gather(xt, 1, ids([[1], [0], [1]])), [[4], [2], [6]]);
      expectClose(gather(x(), 1, ids([[2, 1]]).expand([2, 2])), [[3, 2], [6, 5]]);
      expectClose(gather(x(), 0, ids([[1, 0], [0, 0], [1, 1]]).transpose()), [[4, 2, 6], [1, 2, 6]]);
    });

    it('gathers int32 and bool tensors', () => {
      expectExact(gather(ids([[7, 8, 9]]), 1, ids([[2, 2, 0]])), [[9, 9, 7]], 'int32');
      expectExact(gather(t([[true, false]]), 1, ids([[1, 0, 1]])), [[0, 1, 0]], 'bool');
    });

    it('rejects out-of-range indices, naming the index, axis and size', () => {
      expect(() => gather(x(), 1, ids([[0, 3]]))).toThrow('gather: index 3 is out of range for axis 1 of size 3');
      expect(() => gather(x(), 0, ids([[-1]]))).toThrow('gather: index -1 is out of range for axis 0 of size 2');
    });

    it('rejects non-int32 indices, mismatched ranks or larger dims, and 0-d inputs', () => {
      expect(() => gather(x(), 1, t([[0]]))).toThrow('gather: index must be an int32 tensor, got float32');
      expect(() => gather(x(), 1, ids([0]))).toThrow('gather: index of shape [1] does not fit input [2,3] along axis 1 (same rank; other dims no larger)');
      expect(() => gather(x(), 1, ids([[0], [0], [0]]))).toThrow('gather: index of shape [3,1] does not fit input [2,3] along axis 1');
      expect(() => gather(x(), 2, ids([[0]]))).toThrow('gather: axis 2 is out of range for a tensor of rank 2');
      expect(() => gather(t(5), 0, ids(0))).toThrow('gather: cannot be applied to a 0-d tensor');
    });
  });

  describe('indexSelect', () => {
    const table = () => arange(12, { dtype: 'float32', backend }).reshape([4, 3]); // row r = [3r, 3r+1, 3r+2]

    it('looks up rows like an embedding, keeping the index shape', () => {
      const out = indexSelect(table(), 0, ids([[0, 3], [3, 1]]));
      expect(out.shape).toEqual([2, 2, 3]);
      expectClose(out, [[[0, 1, 2], [9, 10, 11]], [[9, 10, 11], [3, 4, 5]]]);
      expectClose(indexSelect(table(), 0, ids(2)), [6, 7, 8]); // a 0-d index drops the axis
      expect(indexSelect(table(), 0, ids([])).shape).toEqual([0, 3]);
    });

    it('selects along inner axes, from views, with transposed indices', () => {
      expectClose(indexSelect(table(), 1, ids([2, 0, 2])), [[2, 0, 2], [5, 3, 5], [8, 6, 8], [11, 9, 11]]);
      expectClose(indexSelect(table().transpose(), 1, ids([3, 0])), [[9, 0], [10, 1], [11, 2]]);
      expectClose(indexSelect(table().slice(0, 1, undefined, 2), 0, ids([1, 0])), [[9, 10, 11], [3, 4, 5]]);
      expectClose(indexSelect(table(), 0, ids([[1, 2], [3, 0]]).transpose()), [[[3, 4, 5], [9, 10, 11]], [[6, 7, 8], [0, 1, 2]]]);
    });

    it('names itself, the bad id and the table size for out-of-range ids', () => {
      expect(() => indexSelect(table(), 0, ids([[1, 4]]))).toThrow('indexSelect: index 4 is out of range for axis 0 of size 4 (input [4,3])');
      expect(() => indexSelect(table(), 1, ids([-1, 0]))).toThrow('indexSelect: index -1 is out of range for axis 1 of size 3 (input [4,3])');
      expect(() => indexSelect(table(), 0, t([1]))).toThrow('indexSelect: index must be an int32 tensor, got float32');
    });
  });

  describe('scatterAdd', () => {
    it('adds src into a copy of x at the indexed places, accumulating repeats', () => {
      expectClose(scatterAdd(zeros([3], { backend }), 0, ids([0, 2, 0, 0]), t([1, 2, 3, 4])), [8, 0, 2]);
      const base = t([[10, 20, 30], [40, 50, 60]], 'float64');
      const out = scatterAdd(base, 1, ids([[0, 1, 0], [2, 2, 1]]), t([[1, 2, 3], [4, 5, 6]], 'float64'));
      expectClose(out, [[14, 22, 30], [40, 56, 69]]);
      expectClose(base, [[10, 20, 30], [40, 50, 60]]); // out of place
      expect(out.storage).not.toBe(base.storage);
      expectClose(scatterAdd(zeros([2, 2], { backend }), 0, ids([[1, 0], [1, 1]]), t([[1, 2], [3, 4]])), [[0, 2], [4, 4]]);
    });

    it('reads only the corner of src that the index covers', () => {
      expectClose(scatterAdd(zeros([2], { backend }), 0, ids([1, 1]), t([1, 2, 100])), [0, 3]);
      expectClose(scatterAdd(zeros([2, 2], { backend }), 1, ids([[1]]), t([[5, 100], [100, 100]])), [[0, 5], [0, 0]]);
    });

    it('works on views and on int32', () => {
      const xt = t([[1, 2], [3, 4], [5, 6]]).transpose(); // [[1,3,5],[2,4,6]]
      const idx = ids([[2, 0]]).expand([2, 2]);
      const src = t([[10, 0, 20, 0], [30, 0, 40, 0]]).slice(1, 0, undefined, 2); // [[10,20],[30,40]]
      expectClose(scatterAdd(xt, 1, idx, src), [[21, 3, 15], [42, 4, 36]]);
      expectExact(scatterAdd(ids([0, 0]), 0, ids([1, 1, 1]), ids([1, 2, 3])), [0, 6], 'int32');
    });

    it('rejects out-of-range indices, dtype mismatches and a too-small src', () => {
      expect(() => scatterAdd(zeros([2], { backend }), 0, ids([2]), t([1]))).toThrow('scatterAdd: index 2 is out of range for axis 0 of size 2');
      expect(() => scatterAdd(zeros([2], { backend }), 0, ids([-1]), t([1]))).toThrow('scatterAdd: index -1 is out of range for axis 0 of size 2');
      expect(() => scatterAdd(zeros([2], { backend }), 0, ids([0]), t([1], 'float64'))).toThrow('scatterAdd: src dtype float64 differs from input dtype float32');
      expect(() => scatterAdd(zeros([3], { backend }), 0, ids([0, 1, 2]), t([1, 2]))).toThrow('scatterAdd: src of shape [2] is smaller than index [3]');
      expect(() => scatterAdd(zeros([3], { backend }), 0, t([0]), t([1]))).toThrow('scatterAdd: index must be an int32 tensor, got float32');
      expect(() => scatterAdd(zeros([2, 2], { backend }), 1, ids([0]), t([1]))).toThrow('scatterAdd: index of shape [1] does not fit input [2,2] along axis 1');
    });
  });

  describe('oneHot', () => {
    it('turns int32 ids into float32 one-hot rows', () => {
      const h = oneHot(ids([0, 2, 1]), 3);
      expect(h.dtype).toBe('float32');
      expectClose(h, [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
      expectClose(oneHot(ids([[1], [0]]), 2), [[[0, 1]], [[1, 0]]]);
      expect(oneHot(ids([]), 4).shape).toEqual([0, 4]);
      expectClose(oneHot(ids(1), 2), [0, 1]);
    });

    it('rejects ids outside [0, numClasses) and non-int32 ids', () => {
      expect(() => oneHot(ids([0, 3]), 3)).toThrow('oneHot: class ids must lie in [0, 3), got values from 0 to 3');
      expect(() => oneHot(ids([-1, 1]), 3)).toThrow('oneHot: class ids must lie in [0, 3), got values from -1 to 1');
      expect(() => oneHot(t([0]), 3)).toThrow('oneHot: index must be an int32 tensor, got float32');
    });
  });

  it('exposes the ops as Tensor methods', () => {
    expectClose(x().gather(1, ids([[1], [2]])), [[2], [6]]);
    expectClose(x().indexSelect(0, ids([1])), [[4, 5, 6]]);
    expectClose(zeros([2], { backend, dtype: 'float64' }).scatterAdd(0, ids([1]), t([5], 'float64')), [0, 5]);
    expectClose(ids([1]).oneHot(2), [[0, 1]]);
  });
});
