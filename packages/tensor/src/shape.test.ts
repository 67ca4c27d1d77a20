import { describe, expect, it } from 'vitest';
import { promoteTypes, scalarResultType } from './dtype.js';
import { assertShape, broadcastShapes, contiguousStrides, normalizeAxes, normalizeAxis, normalizeDim, sizeOf } from './shape.js';

describe('shape arithmetic', () => {
  it('sizes and row-major strides', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 0])).toBe(0);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
    expect(contiguousStrides([2, 0, 3])).toEqual([0, 3, 1]);
  });

  it('broadcasts NumPy-style, any number of shapes', () => {
    expect(broadcastShapes('op', [2, 1], [3])).toEqual([2, 3]);
    expect(broadcastShapes('op', [], [2, 2])).toEqual([2, 2]);
    expect(broadcastShapes('op', [5, 1, 4], [3, 1], [1])).toEqual([5, 3, 4]);
    expect(broadcastShapes('op', [0], [1])).toEqual([0]);
    expect(broadcastShapes('op', [2, 0], [2, 1])).toEqual([2, 0]);
    expect(() => broadcastShapes('mul', [2, 3], [3, 3])).toThrow('mul: shapes [2,3] and [3,3] cannot be broadcast (dim 0: 2 vs 3)');
  });

  it('normalises axes, accepting 0 and -1 for a 0-d tensor as PyTorch does', () => {
    expect(normalizeAxis('op', -1, 3)).toBe(2);
    expect(normalizeAxis('op', 0, 0)).toBe(0);
    expect(normalizeAxis('op', -1, 0)).toBe(0);
    expect(() => normalizeAxis('op', 3, 3)).toThrow('op: axis 3 is out of range for a tensor of rank 3');
    expect(() => normalizeAxis('op', -2, 0)).toThrow('op: axis -2 is out of range for a tensor of rank 0');
    expect(() => normalizeDim('op', 0, 0)).toThrow('op: cannot be applied to a 0-d tensor');
    expect(normalizeAxes('op', undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('op', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('op', 1, 2)).toEqual([1]);
    expect(() => normalizeAxes('op', [2, -1], 3)).toThrow('op: repeated axis in [2,-1]');
    expect(() => assertShape('op', [2, -1])).toThrow('op: invalid shape [2,-1] (dims must be integers ≥ 0)');
  });
});

describe('dtype promotion', () => {
  it('orders bool < int32 < float32 < float64 between tensors', () => {
    expect(promoteTypes('bool', 'int32')).toBe('int32');
    expect(promoteTypes('int32', 'float32')).toBe('float32');
    expect(promoteTypes('float64', 'float32')).toBe('float64');
    expect(promoteTypes('bool', 'bool')).toBe('bool');
  });

  it('treats JS numbers as weak scalars', () => {
    expect(scalarResultType('float32', 1e300)).toBe('float32');
    expect(scalarResultType('int32', 2)).toBe('int32');
    expect(scalarResultType('int32', 2.5)).toBe('float32');
    expect(scalarResultType('bool', 1)).toBe('int32');
    expect(scalarResultType('bool', 0.5)).toBe('float32');
  });
});
