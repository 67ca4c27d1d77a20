import { describe, it } from 'vitest';
import { setBackend } from '@glimpse/tensor';
import { backends, check, normal } from '../test-util.js';
import { layerNorm, logSoftmax, softmax } from './activation.js';

describe.each(backends)('activation and normalisation gradients (%s)', (backend) => {
  setBackend(backend);
  const n = (...shape: number[]) => normal(shape, backend);

  it('gelu (exact and tanh) and quickGelu', () => {
    check((x) => x.gelu(), [n(4, 5).mul(2)]);
    check((x) => x.gelu('tanh'), [n(4, 5).mul(2)]);
    check((x) => x.quickGelu(), [n(4, 5).mul(2)]);
  });

  it('softmax and logSoftmax on every axis, and on non-contiguous inputs', () => {
    for (const axis of [0, 1, -1]) {
      check((x) => softmax(x, axis), [n(2, 3, 4)]);
      check((x) => logSoftmax(x, axis), [n(2, 3, 4)]);
    }
    check((x) => softmax(x.transpose(), -1), [n(3, 4)]);
  });

  it('layerNorm: with and without affine, over one and two trailing dims', () => {
    check((x, w, b) => layerNorm(x, [4], w, b), [n(2, 3, 4), n(4), n(4)]);
    check((x) => layerNorm(x, [4]), [n(3, 4)]);
    check((x, w) => layerNorm(x, [3, 4], w, undefined, 1e-6), [n(2, 3, 4), n(3, 4)]);
    check((x, w, b) => layerNorm(x.transpose(), [3], w, b), [n(3, 5), n(3), n(3)]);
  });
});
