import { describe, expect, it } from 'vitest';
import { resultType } from './dtype.js';
import { tensor } from './ops/create.js';

describe('resultType (PyTorch promotion with 0-d tensors)', () => {
  const t = (dtype: 'float32' | 'float64' | 'int32' | 'bool', rank: number) => ({ dtype, rank });
  it('a 0-d tensor does not widen a dimensioned one of its category or above', () => {
    expect(resultType(t('float32', 1), t('float64', 0))).toBe('float32');
    expect(resultType(t('float64', 0), t('float32', 2))).toBe('float32');
    expect(resultType(t('float32', 1), t('int32', 0))).toBe('float32');
  });
  it('a 0-d tensor of a higher category brings that category default', () => {
    expect(resultType(t('int32', 1), t('float64', 0))).toBe('float32');
    expect(resultType(t('bool', 1), t('int32', 0))).toBe('int32');
  });
  it('two dimensioned or two 0-d tensors promote normally', () => {
    expect(resultType(t('float32', 1), t('float64', 1))).toBe('float64');
    expect(resultType(t('float32', 0), t('float64', 0))).toBe('float64');
  });
  it('applies to ops', () => {
    expect(tensor([1, 2]).add(tensor(1, { dtype: 'float64' })).dtype).toBe('float32');
    expect(tensor([1, 2], { dtype: 'int32' }).mul(tensor(0.5, { dtype: 'float64' })).dtype).toBe('float32');
  });
});
