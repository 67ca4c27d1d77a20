/**
 * KVCache: the projected keys and values [B, H, T, dh] of one attention layer, kept between
 * decoding steps so that step t projects only its new token instead of the whole prefix.
 *  - 'self' (causal self-attention): each step's keys/values are appended along T.
 *  - 'cross' (cross-attention): the encoder's keys/values are stored on the first step and
 *    reused as they are afterwards (the image does not change while the caption grows), so the
 *    layer can skip its key/value projections once the cache is `frozen`.
 */
import { concat, type Variable } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';

/** The keys and values [B, H, T, dh] of one attention layer kept between decoding steps: 'self' appends each step's, 'cross' stores the encoder's once. */
export class KVCache {
  keys: Variable | undefined;
  values: Variable | undefined;

  constructor(readonly kind: 'self' | 'cross' = 'self') {}

  /** Number of cached key positions (0 when empty). */
  get length(): number {
    return this.keys?.shape[2] ?? 0;
  }

  /** A filled cross-attention cache: keys/values need not (and must not) be given again. */
  get frozen(): boolean {
    return this.kind === 'cross' && this.keys !== undefined;
  }

  /**
   * Takes this step's keys/values [B, H, Tnew, dh] (none when frozen) and returns those to
   * attend over: everything cached so far, this step's included.
   */
  update(where: string, k: Variable | undefined, v: Variable | undefined): [Variable, Variable] {
    if (this.frozen) {
      if (k || v) throw new Error(`${where}: this cross-attention cache already holds the encoder keys/values; skip the key/value projections (see KVCache.frozen)`);
      return [this.keys!, this.values!];
    }
    if (!k || !v) throw new Error(`${where}: the ${this.kind}-attention cache is ${this.keys ? 'not frozen' : 'empty'}; keys and values are needed`);
    if (this.keys && this.values) {
      const [was, now] = [this.keys.shape, k.shape];
      if (was[0] !== now[0] || was[1] !== now[1] || was[3] !== now[3]) {
        throw new Error(`${where}: cached keys are [${was.join(',')}] but new keys are [${now.join(',')}] (batch, heads and head size must stay the same)`);
      }
      k = concat([this.keys, k], 2);
      v = concat([this.values, v], 2);
    }
    this.keys = k;
    this.values = v;
    return [k, v];
  }

  /** Keeps batch rows `index` (int32 [B']) in that order, e.g. the surviving beams of beam search. */
  reorder(index: Tensor): void {
    this.keys = this.keys?.indexSelect(0, index);
    this.values = this.values?.indexSelect(0, index);
  }

  clear(): void {
    this.keys = undefined;
    this.values = undefined;
  }
}
