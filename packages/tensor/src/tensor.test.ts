import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, type Backend } from './backend.js';
import { formatTensor } from './format.js';
import { arange, tensor, zeros } from './ops/create.js';
import { Tensor } from './tensor.js';
import { backends, expectClose, expectExact, maker } from './testing/backends.js';

registerBackend(Object.assign(Object.create(getBackend('cpu')) as Backend, { name: 'cpu-other' }));

describe.each(backends)('Tensor on %s', (backend) => {
  const t = maker(backend);

  it('knows its size and rank', () => {
    const x = zeros([2, 3, 4], { backend });
    expect([x.size, x.rank]).toEqual([24, 3]);
    expect([t(5).size, t(5).rank]).toEqual([1, 0]);
    expect([zeros([3, 0], { backend }).size, zeros([3, 0], { backend }).rank]).toEqual([0, 2]);
  });

  it('freezes its shape and strides', () => {
    const x = t([[1, 2]]);
    expect(Object.isFrozen(x.shape)).toBe(true);
    expect(Object.isFrozen(x.strides)).toBe(true);
    const shape = [1, 2];
    const y = Tensor.fromStorage(x.storage, 'float32', shape, x.backend);
    shape[0] = 99;
    expect(y.shape).toEqual([1, 2]);
    expect(y.strides).toEqual([2, 1]);
  });

  it('tells contiguous from strided layouts (size-1 dims do not matter)', () => {
    const x = arange(6, { dtype: 'float32', backend }).reshape([2, 3]);
    expect(x.isContiguous()).toBe(true);
    expect(x.transpose().isContiguous()).toBe(false);
    expect(x.slice(1, 0, 2).isContiguous()).toBe(false);
    expect(x.slice(0, 1).isContiguous()).toBe(true);
    expect(x.select(1, 0).isContiguous()).toBe(false);
    expect(x.unsqueeze(1).expand([2, 1, 3]).isContiguous()).toBe(true);
    expect(x.unsqueeze(1).expand([2, 2, 3]).isContiguous()).toBe(false);
    expect(new Tensor(x.storage, 'float32', [1, 3], [100, 1], 0, x.backend).isContiguous()).toBe(true);
    expect(t(1).isContiguous()).toBe(true);
  });

  it('dataSync returns a fresh row-major host copy of the right TypedArray', () => {
    const x = t([[1, 2, 3], [4, 5, 6]]).transpose();
    const d = x.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 4, 2, 5, 3, 6]);
    d[0] = 100;
    expect(x.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(t([1], 'float64').dataSync()).toBeInstanceOf(Float64Array);
    expect(t([1], 'int32').dataSync()).toBeInstanceOf(Int32Array);
    expect(t([true]).dataSync()).toBeInstanceOf(Uint8Array);
  });

  it('toArray nests by shape (numbers for 0-d, 0/1 for bool, empty lists for empty dims)', () => {
    expect(t([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(t(2.5).toArray()).toBe(2.5);
    expect(t([true, false]).toArray()).toEqual([1, 0]);
    expect(zeros([2, 0], { backend }).toArray()).toEqual([[], []]);
    expect(zeros([0, 2], { backend }).toArray()).toEqual([]);
  });

  it('item reads a one-element tensor of any rank, and only that', () => {
    expect(t(3).item()).toBe(3);
    expect(t([[[-1.5]]]).item()).toBe(-1.5);
    expect(t([true]).item()).toBe(1);
    expect(() => t([1, 2]).item()).toThrow('item: tensor of shape [2] has 2 elements, not 1');
    expect(() => zeros([0], { backend }).item()).toThrow('item: tensor of shape [0] has 0 elements, not 1');
  });

  it('prints through format', () => {
    const x = t([[1, 2], [3, 4]], 'float64');
    expect(String(x)).toBe(formatTensor(x));
    expect(`${t([0.5])}`).toBe('tensor([0.5000])');
  });

  describe('to(dtype)', () => {
    it('returns the same tensor when nothing changes', () => {
      const x = t([1]);
      expect(x.to('float32')).toBe(x);
      expect(x.to(backend)).toBe(x);
    });

    it('converts values like PyTorch: float → int truncates toward zero, bool is nonzero', () => {
      expectExact(t([2.7, -2.7, 0.5, -0.5], 'float64').to('int32'), [2, -2, 0, 0], 'int32');
      expectExact(t([0.5, 0, -0, NaN, -Infinity]).to('bool'), [1, 0, 0, 1, 1], 'bool');
      expectClose(t([true, false]).to('float64'), [1, 0]);
      expectClose(t([3, -4], 'int32').to('float32'), [3, -4]);
      expect(t([0.1], 'float64').to('float32').item()).toBe(Math.fround(0.1));
      expectClose(t([0.1]).to('float64'), [Math.fround(0.1)], { rtol: 0, atol: 0 });
    });

    it('makes a contiguous copy of a strided view, in logical order', () => {
      const x = t([[1, 2], [3, 4]]).transpose().to('float64');
      expect(x.isContiguous()).toBe(true);
      expectClose(x, [[1, 3], [2, 4]]);
    });
  });

  describe('to(backend)', () => {
    it('copies to another backend, keeping dtype, shape and values', () => {
      const x = t([[1, 2], [3, 4]], 'int32').transpose();
      const y = x.to('cpu-other');
      expect(y.backend.name).toBe('cpu-other');
      expect(y.dtype).toBe('int32');
      expectExact(y, [[1, 3], [2, 4]]);
      expect(y.to(backend).backend.name).toBe(backend);
    });

    it('rejects an unknown target, listing what is registered', () => {
      expect(() => t([1]).to('tpu')).toThrow("getBackend: unknown backend 'tpu' (registered: cpu");
    });
  });

  it('clone copies and contiguous only copies when needed', () => {
    const x = t([[1, 2], [3, 4]]);
    expect(x.contiguous()).toBe(x);
    expect(x.clone().storage).not.toBe(x.storage);
    expect(x.transpose().contiguous().storage).not.toBe(x.storage);
  });

  it('dispose is safe on the host backend', () => {
    expect(() => t([1]).dispose()).not.toThrow();
  });

  it('is immutable: ops return new tensors and leave their inputs alone', () => {
    const x = t([1, 2, 3]);
    const before = x.toArray();
    x.add(1);
    x.mul(x);
    x.clamp(0, 1);
    x.softmax();
    expect(x.toArray()).toEqual(before);
  });

  it('builds from a storage directly', () => {
    const b = getBackend(backend);
    const s = b.fromArray(new Float64Array([1, 2, 3, 4]));
    const x = new Tensor(s, 'float64', [2], [2], 1, b);
    expectClose(x, [2, 4]);
    const y = Tensor.fromStorage(s, 'float64', [2, 2], b);
    expect(y.strides).toEqual([2, 1]);
    expect(y.offset).toBe(0);
    expect(tensor([1], { backend }).backend).toBe(b);
  });
});
