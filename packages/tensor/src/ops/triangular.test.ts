import { describe, expect, it } from 'vitest';
import { backends, expectClose, expectExact, maker } from '../testing/backends.js';
import { arange, full, zeros } from './create.js';
import { tril, triu } from './triangular.js';

describe.each(backends)('triu and tril on %s', (backend) => {
  const t = maker(backend);
  const m = () => arange(1, 13, { dtype: 'float32', backend }).reshape([3, 4]); // 1..12

  it('keeps the upper / lower triangle of a non-square matrix', () => {
    expectClose(triu(m()), [[1, 2, 3, 4], [0, 6, 7, 8], [0, 0, 11, 12]]);
    expectClose(tril(m()), [[1, 0, 0, 0], [5, 6, 0, 0], [9, 10, 11, 0]]);
  });

  it('shifts the diagonal: positive above, negative below', () => {
    expectClose(triu(m(), 1), [[0, 2, 3, 4], [0, 0, 7, 8], [0, 0, 0, 12]]);
    expectClose(triu(m(), -1), [[1, 2, 3, 4], [5, 6, 7, 8], [0, 10, 11, 12]]);
    expectClose(tril(m(), -1), [[0, 0, 0, 0], [5, 0, 0, 0], [9, 10, 0, 0]]);
    expectClose(tril(m(), 2), [[1, 2, 3, 0], [5, 6, 7, 8], [9, 10, 11, 12]]);
    expectClose(triu(m(), 4), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expectClose(tril(m(), -3), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expectClose(tril(m(), 3), m());
  });

  it('applies to every matrix of a batch and reads views', () => {
    const b = full([2, 2, 2], 1, { backend });
    expectClose(triu(b), [[[1, 1], [0, 1]], [[1, 1], [0, 1]]]);
    expectClose(tril(m().transpose()), [[1, 0, 0], [2, 6, 0], [3, 7, 11], [4, 8, 12]]);
    expectClose(triu(t([[5]]).expand([2, 2])), [[5, 5], [0, 5]]);
  });

  it('zeroes NaN and inf outside the triangle (a causal mask)', () => {
    expectClose(triu(t([[NaN, 1], [NaN, Infinity]])), [[NaN, 1], [0, Infinity]]);
    expectClose(tril(t([[0, -Infinity], [0, 0]], 'float64')), [[0, 0], [0, 0]]);
  });

  it('keeps the dtype (float64, int32, bool)', () => {
    const f = triu(t([[1, 2], [3, 4]], 'float64'));
    expect(f.dtype).toBe('float64');
    expectExact(tril(t([[1, 2], [3, 4]], 'int32')), [[1, 0], [3, 4]], 'int32');
    expectExact(triu(full([3, 3], 1, { backend, dtype: 'bool' }), 1), [[0, 1, 1], [0, 0, 1], [0, 0, 0]], 'bool');
  });

  it('handles empty matrices and refuses fewer than 2 dims', () => {
    expect(triu(zeros([0, 3], { backend })).shape).toEqual([0, 3]);
    expect(() => triu(t([1, 2, 3]))).toThrow('triu: needs a tensor with at least 2 dims, got [3]');
    expect(() => tril(t(1))).toThrow('tril: needs a tensor with at least 2 dims, got []');
  });

  it('are Tensor methods too', () => {
    expectClose(m().triu(2), [[0, 0, 3, 4], [0, 0, 0, 8], [0, 0, 0, 0]]);
    expectClose(m().tril(), tril(m()));
  });
});
