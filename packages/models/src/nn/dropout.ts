import type { Variable } from '@glimpse/autograd';
import { Generator, getDefaultGenerator, rand } from '@glimpse/tensor';
import type { InitOptions } from './init.js';
import { Module } from './module.js';

/**
 * Zeroes each element with probability p in training and scales the rest by 1/(1−p), so the
 * expected value is unchanged; the identity in eval mode. Masks come from the module's own
 * seeded generator, so a run is reproducible.
 */
export class Dropout extends Module {
  readonly generator: Generator;

  constructor(readonly p: number, opts: { seed?: number } = {}) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must lie in [0, 1), got ${p}`);
    this.generator = new Generator(opts.seed ?? 0);
  }

  /**
   * A Dropout whose seed is drawn from a layer's init generator: each layer of a model gets its
   * own mask stream (a fixed seed would drop the same positions in every layer), still reproducibly.
   */
  static seeded(p: number, opts: InitOptions = {}): Dropout {
    return new Dropout(p, { seed: (opts.generator ?? getDefaultGenerator()).nextUint32() });
  }

  forward(x: Variable): Variable {
    if (!this.training || this.p === 0) return x;
    const keep = rand(x.shape, { generator: this.generator, backend: x.data.backend.name }).ge(this.p);
    return x.mul(keep.to(x.dtype).div(1 - this.p));
  }
}
