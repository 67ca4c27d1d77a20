import { describe, expect, it } from 'vitest';
import { backends, expectClose, expectExact, stored } from '../testing/backends.js';
import { arange, eye, fromArray, full, fullLike, ones, onesLike, rand, randint, randn, tensor, zeros, zerosLike } from './create.js';

describe.each(backends)('creating tensors on %s', (backend) => {
  describe('tensor()', () => {
    it('reads nested arrays as float32 with their shape', () => {
      const x = tensor([[1, 2, 3], [4, 5, 6]], { backend });
      expect(x.dtype).toBe('float32');
      expect(x.shape).toEqual([2, 3]);
      expect(x.strides).toEqual([3, 1]);
      expect(x.backend.name).toBe(backend);
      expectClose(x, [[1, 2, 3], [4, 5, 6]]);
      expect(tensor([0.1], { backend }).item()).toBe(Math.fround(0.1));
    });

    it('makes 0-d tensors from numbers and empty ones from empty arrays', () => {
      const s = tensor(3.5, { backend });
      expect(s.shape).toEqual([]);
      expect(s.item()).toBe(3.5);
      expect(tensor([], { backend }).shape).toEqual([0]);
      expect(tensor([[]], { backend }).shape).toEqual([1, 0]);
      expect(tensor([[], []], { backend }).shape).toEqual([2, 0]);
    });

    it('reads booleans as bool', () => {
      const b = tensor([[true, false]], { backend });
      expect(b.dtype).toBe('bool');
      expectExact(b, [[1, 0]]);
      expect(tensor(false, { backend }).dtype).toBe('bool');
    });

    it('converts to a requested dtype: ints truncate toward zero, bool is "nonzero" (NaN too)', () => {
      expectExact(tensor([2.7, -2.7, 0.5], { backend, dtype: 'int32' }), [2, -2, 0], 'int32');
      expectExact(tensor([0.5, 0, NaN, -1], { backend, dtype: 'bool' }), [1, 0, 1, 1], 'bool');
      expectClose(tensor([true, false], { backend, dtype: 'float64' }), [1, 0]);
      expect(tensor([0.1], { backend, dtype: 'float64' }).item()).toBe(stored(0.1, 'float64', backend));
    });

    it('copies a TypedArray, keeping its dtype unless told otherwise', () => {
      const f64 = new Float64Array([0.1, 0.2]);
      const x = tensor(f64, { backend });
      expect(x.dtype).toBe('float64');
      f64[0] = 99;
      expect(x.toArray()).toEqual([0.1, 0.2].map((v) => stored(v, 'float64', backend)));
      expect(tensor(new Int32Array([1, 2]), { backend }).dtype).toBe('int32');
      expect(tensor(new Uint8Array([1, 0]), { backend }).dtype).toBe('bool');
      expect(tensor(new Float32Array([1.5]), { backend, dtype: 'float64' }).dtype).toBe('float64');
    });

    it('reshapes flat data with the shape option', () => {
      expectClose(tensor([1, 2, 3, 4, 5, 6], { backend, shape: [3, 2] }), [[1, 2], [3, 4], [5, 6]]);
      expectClose(tensor(new Float64Array([7]), { backend, shape: [] }), 7);
      expect(() => tensor([1, 2, 3], { backend, shape: [2, 2] })).toThrow('tensor: 3 values do not fill shape [2,2]');
    });

    it('says where nested data is ragged or not numeric', () => {
      expect(() => tensor([[1, 2], [3]], { backend })).toThrow('tensor: ragged nested array at [1]: expected 2 items for shape [2,2]');
      expect(() => tensor([[1, 2], 3] as never, { backend })).toThrow('tensor: ragged nested array at [1]: expected 2 items for shape [2,2]');
      expect(() => tensor([1, [2]] as never, { backend })).toThrow('tensor: ragged or non-numeric data at [1] (expected a number for shape [2])');
      expect(() => tensor(['a'] as never, { backend })).toThrow('tensor: ragged or non-numeric data at [0]');
    });

    it('rejects unknown dtypes and backends', () => {
      expect(() => tensor([1], { backend, dtype: 'float16' as never })).toThrow("tensor: unknown dtype 'float16' (expected one of float32, float64, int32, bool)");
      expect(() => tensor([1], { backend: 'tpu' })).toThrow("getBackend: unknown backend 'tpu' (registered: cpu");
    });
  });

  describe('fromArray', () => {
    it('wraps the array it is given with the shape', () => {
      const data = new Float32Array([1, 2, 3, 4, 5, 6]);
      const x = fromArray(data, [2, 3], backend);
      expect(x.dtype).toBe('float32');
      expectClose(x, [[1, 2, 3], [4, 5, 6]]);
      if (backend === 'cpu') expect(x.storage).toBe(data); // no copy on the host backend
    });

    it('checks the length and the shape', () => {
      expect(() => fromArray(new Float32Array(5), [2, 2], backend)).toThrow('fromArray: 5 values do not fill shape [2,2] (4 elements)');
      expect(() => fromArray(new Float32Array(0), [2, -1], backend)).toThrow('fromArray: invalid shape [2,-1] (dims must be integers ≥ 0)');
    });
  });

  describe('full, zeros, ones and the *Like forms', () => {
    it('fills with a value in any dtype', () => {
      expectClose(full([2, 2], 0.5, { backend }), [[0.5, 0.5], [0.5, 0.5]]);
      expectClose(full([2], NaN, { backend, dtype: 'float64' }), [NaN, NaN]);
      expectExact(full([2], 2.7, { backend, dtype: 'int32' }), [2, 2], 'int32');
      expectExact(full([2], 0.5, { backend, dtype: 'bool' }), [1, 1], 'bool');
      expectClose(zeros([2, 3], { backend, dtype: 'float64' }), [[0, 0, 0], [0, 0, 0]]);
      expectExact(ones([3], { backend, dtype: 'int32' }), [1, 1, 1], 'int32');
      expectClose(zeros([], { backend }), 0);
      expect(ones([0, 4], { backend }).shape).toEqual([0, 4]);
    });

    it('copies the shape, dtype and backend of a tensor', () => {
      const x = tensor([[1, 2]], { backend, dtype: 'int32' }).transpose();
      for (const [y, v] of [[zerosLike(x), 0], [onesLike(x), 1], [fullLike(x, 7), 7]] as const) {
        expect(y.shape).toEqual([2, 1]);
        expect(y.dtype).toBe('int32');
        expect(y.backend).toBe(x.backend);
        expectExact(y, [[v], [v]]);
      }
    });

    it('rejects invalid shapes', () => {
      expect(() => full([2, -1], 0, { backend })).toThrow('full: invalid shape [2,-1] (dims must be integers ≥ 0)');
      expect(() => zeros([1.5], { backend })).toThrow('full: invalid shape [1.5]');
    });
  });

  describe('arange', () => {
    it('counts with int32 for integer arguments', () => {
      const x = arange(5, { backend });
      expect(x.dtype).toBe('int32');
      expectExact(x, [0, 1, 2, 3, 4]);
      expectExact(arange(2, 5, { backend }), [2, 3, 4]);
      expectExact(arange(5, 0, -2, { backend }), [5, 3, 1]);
      expectExact(arange(-3, 3, 2, { backend }), [-3, -1, 1]);
    });

    it('uses float32 for fractional arguments, with PyTorch lengths', () => {
      const x = arange(0, 1, 0.25, { backend });
      expect(x.dtype).toBe('float32');
      expectClose(x, [0, 0.25, 0.5, 0.75]);
      expect(arange(0, 1, 0.1, { backend }).shape).toEqual([10]);
      expectClose(arange(0, 1, 0.1, { backend, dtype: 'float64' }).slice(0, 9), [0.9]);
      expectClose(arange(3, { backend, dtype: 'float64' }), [0, 1, 2]);
    });

    it('is empty when the range is, and rejects a zero step or wrong arity', () => {
      expect(arange(0, { backend }).shape).toEqual([0]);
      expect(arange(3, 1, { backend }).shape).toEqual([0]);
      expect(arange(1, 3, -1, { backend }).shape).toEqual([0]);
      expect(() => arange(0, 5, 0, { backend })).toThrow('arange: step must be finite and non-zero, got 0');
      expect(() => arange(0, 5, Infinity, { backend })).toThrow('arange: step must be finite and non-zero, got Infinity');
      expect(() => arange({ backend })).toThrow('arange: expected (end), (start, end) or (start, end, step)');
    });
  });

  describe('eye', () => {
    it('makes square and rectangular identities', () => {
      expectClose(eye(3, undefined, { backend }), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
      expectClose(eye(2, 3, { backend }), [[1, 0, 0], [0, 1, 0]]);
      expectClose(eye(3, 2, { backend, dtype: 'float64' }), [[1, 0], [0, 1], [0, 0]]);
      expect(eye(0, undefined, { backend }).shape).toEqual([0, 0]);
      expect(() => eye(-1, undefined, { backend })).toThrow('eye: invalid shape [-1,-1]');
    });
  });

  describe('random creation', () => {
    it('gives the asked shape, dtype and backend', () => {
      const u = rand([2, 3], { backend, seed: 1 });
      expect(u.shape).toEqual([2, 3]);
      expect(u.dtype).toBe('float32');
      expect(u.backend.name).toBe(backend);
      expect(randn([4], { backend, seed: 1, dtype: 'float64' }).dtype).toBe('float64');
      const r = randint(0, 10, [5], { backend, seed: 1 });
      expect(r.dtype).toBe('int32');
      expect(randint(0, 10, [0], { backend, seed: 1 }).shape).toEqual([0]);
      expect(() => rand([-1], { backend })).toThrow('rand: invalid shape [-1]');
    });
  });
});
