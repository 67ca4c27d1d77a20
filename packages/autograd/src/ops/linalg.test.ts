import { describe, it } from 'vitest';
import { setBackend } from '@glimpse/tensor';
import { backends, check, normal } from '../test-util.js';
import { matmul } from './linalg.js';

describe.each(backends)('matmul gradients (%s)', (backend) => {
  setBackend(backend);
  const n = (...shape: number[]) => normal(shape, backend);
  it('2-D, batched, and broadcast batch dims', () => {
    check((a, b) => a.matmul(b), [n(3, 4), n(4, 5)]);
    check((a, b) => a.matmul(b), [n(2, 3, 4), n(2, 4, 2)]);
    check((a, b) => a.matmul(b), [n(2, 1, 3, 4), n(5, 4, 2)]);
    check((a, b) => a.matmul(b), [n(2, 3, 4), n(4, 2)]);
  });
  it('1-D operands (vector·matrix, matrix·vector, dot)', () => {
    check((a, b) => matmul(a, b), [n(4), n(4, 3)]);
    check((a, b) => matmul(a, b), [n(2, 3, 4), n(4)]);
    check((a, b) => matmul(a, b), [n(4), n(4)]);
  });
  it('transposed operands', () => {
    check((a, b) => a.transpose().matmul(b.transpose()), [n(4, 3), n(5, 4)]);
  });
});
