import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { fromNdarray, toNdarray } from './ndarray.js';
import { arange, tensor } from './ops/create.js';
import { backends, expectClose, expectExact } from './testing/backends.js';

describe.each(backends)('ndarray interop on %s', (backend) => {
  it('wraps an ndarray with its dtype, shape, strides and offset', () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    const x = fromNdarray(ndarray(data, [2, 3]), backend);
    expect(x.dtype).toBe('float32');
    expect(x.shape).toEqual([2, 3]);
    expectClose(x, [[0, 1, 2], [3, 4, 5]]);
    if (backend === 'cpu') {
      expect(x.storage).toBe(data); // no copy on the host
      data[0] = 42;
      expect(x.toArray()).toEqual([[42, 1, 2], [3, 4, 5]]);
    }
    expect(fromNdarray(ndarray(new Float64Array([1.5]), [1]), backend).dtype).toBe('float64');
    expectExact(fromNdarray(ndarray(new Int32Array([7, -7]), [2]), backend), [7, -7], 'int32');
    expectExact(fromNdarray(ndarray(new Uint8Array([1, 0]), [2]), backend), [1, 0], 'bool');
  });

  it('keeps strided ndarray views (transposed, sliced, stepped, even negative steps)', () => {
    const base = ndarray(new Float64Array([0, 1, 2, 3, 4, 5]), [2, 3]);
    const t = fromNdarray(base.transpose(1, 0), backend);
    if (backend === 'cpu') expect(t.strides).toEqual([1, 3]); // a view of the same memory on the cpu; elsewhere a contiguous device copy
    expectClose(t, [[0, 3], [1, 4], [2, 5]]);
    expectClose(fromNdarray(base.lo(1, 1), backend), [[4, 5]]);
    const reversed = fromNdarray(base.step(1, -1), backend); // strides [3, -1], offset 2
    expectClose(reversed, [[2, 1, 0], [5, 4, 3]]);
    expectClose(reversed.sum(1), [3, 12]);
    expectClose(reversed.reshape([6]), [2, 1, 0, 5, 4, 3]);
  });

  it('rejects data it cannot hold, naming the dtype', () => {
    expect(() => fromNdarray(ndarray(new Int16Array(2), [2]), backend)).toThrow("fromNdarray: unsupported ndarray dtype 'int16' (expected float32, float64, int32 or uint8)");
    expect(() => fromNdarray(ndarray([1, 2], [2]), backend)).toThrow("fromNdarray: unsupported ndarray dtype 'array'");
  });

  it('exports a tensor as an ndarray (a view of the storage on cpu)', () => {
    const x = arange(6, { dtype: 'float32', backend }).reshape([2, 3]).transpose().slice(0, 1);
    const a = toNdarray(x);
    expect(a.shape).toEqual([2, 2]);
    expect(a.get(0, 0)).toBe(1);
    expect(a.get(1, 1)).toBe(5);
    if (backend === 'cpu') {
      expect(a.data).toBe(x.storage);
      expect(a.stride).toEqual([1, 3]);
      expect(a.offset).toBe(1);
    }
    const back = fromNdarray(a, backend);
    expectClose(back, [[1, 4], [2, 5]]);
    const b = toNdarray(tensor([true, false], { backend }));
    expect(b.data).toBeInstanceOf(Uint8Array);
  });
});
