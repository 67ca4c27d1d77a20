import { describe, expect, it } from 'vitest';
import { setBackend } from '@glimpse/tensor';
import { backends, check, normal } from '../test-util.js';
import { concat, stack } from './join.js';

describe.each(backends)('join gradients (%s)', (backend) => {
  setBackend(backend);
  const n = (...shape: number[]) => normal(shape, backend);

  it('concat along each axis', () => {
    check((a, b, c) => concat([a, b, c], 1).exp(), [n(2, 1), n(2, 3), n(2, 2)]);
    check((a, b) => concat([a, b], 0).sin(), [n(1, 3), n(2, 3)]);
    check((a, b) => concat([a, b.transpose()], -1).sin(), [n(2, 3), n(4, 2)]);
  });

  it('stack on a new axis', () => {
    check((a, b) => stack([a, b], 1).exp(), [n(2, 3), n(2, 3)]);
  });

  it('split and chunk are slices', () => {
    check((x) => {
      const [a, b, c] = x.split([1, 3, 2], 1);
      return a!.mul(b!.sum(1, true)).add(c!.sum(1, true).exp());
    }, [n(2, 6)]);
    check((x) => {
      const parts = x.chunk(3, 0);
      expect(parts.map((p) => p.shape[0])).toEqual([3, 3, 1]);
      return parts[0]!.mul(parts[1]!).sum(0).add(parts[2]!.squeeze(0));
    }, [n(7, 2)]);
  });

  it('triu / tril keep their triangle of the gradient', () => {
    check((x) => x.triu(1).exp(), [n(2, 3, 3)]);
    check((x) => x.tril(-1).exp(), [n(3, 4)]);
  });
});
