/**
 * A hand-built "decoder" for generation tests: the next-token logits are a row of a table picked
 * by the last token (a bigram model), plus an optional per-row bias that stands for the image a
 * row is conditioned on. Every step is then easy to work out by hand. It logs the shape of each
 * step's input, so tests can see that the cached path feeds only new tokens.
 */
import { fromArray, type Tensor } from '@glimpse/tensor';
import type { DecoderCache, StepDecoder } from '../generation/decoder.js';

/** Remembers how many positions each row has seen; checks that reorders keep it consistent. */
class CountingCache implements DecoderCache {
  length = 0;
  constructor(public rows: number) {}

  reorder(index: Tensor): void {
    const ids = Array.from(index.dataSync());
    if (ids.some((i) => i < 0 || i >= this.rows)) throw new Error(`CountingCache: reorder index [${ids.join(',')}] outside ${this.rows} rows`);
    this.rows = ids.length;
  }
}

export class LookupDecoder implements StepDecoder {
  /** [Tnew per row, rows] of every step, in order (shared by the decoders `select` makes). */
  readonly steps: [number, number][];

  /**
   * table[t] = logits after token t (V numbers). bias[r] = logits added for conditioning row r
   * (default none); this decoder's rows are `rows` (indices into bias).
   */
  constructor(
    readonly table: readonly (readonly number[])[],
    readonly bias: readonly (readonly number[])[] | undefined,
    readonly rows: readonly number[],
    steps: [number, number][] = [],
  ) {
    this.steps = steps;
  }

  /** A decoder over `batch` rows; with `bias`, one row per bias entry. */
  static of(table: readonly (readonly number[])[], batch: number | readonly (readonly number[])[]): LookupDecoder {
    return typeof batch === 'number'
      ? new LookupDecoder(table, undefined, Array.from({ length: batch }, (_, i) => i))
      : new LookupDecoder(table, batch, batch.map((_, i) => i));
  }

  /** Logits from probabilities (log p, with −∞ for 0), to write tables as probabilities. */
  static fromProbabilities(probs: readonly (readonly number[])[]): number[][] {
    return probs.map((row) => row.map(Math.log));
  }

  get batchSize(): number {
    return this.rows.length;
  }

  newCache(): DecoderCache {
    return new CountingCache(this.rows.length);
  }

  step(ids: Tensor, cache?: DecoderCache): Tensor {
    const [B, T] = ids.shape as [number, number];
    if (B !== this.rows.length) throw new Error(`LookupDecoder: ${B} input rows for a decoder of ${this.rows.length}`);
    if (cache) {
      const c = cache as CountingCache;
      if (c.rows !== B) throw new Error(`LookupDecoder: the cache holds ${c.rows} rows, the input ${B}`);
      c.length += T;
    }
    this.steps.push([T, B]);
    const V = this.table[0]!.length;
    const flat = ids.dataSync();
    const out = new Float64Array(B * V);
    for (let b = 0; b < B; b++) {
      const last = flat[b * T + T - 1]!;
      const bias = this.bias?.[this.rows[b]!];
      for (let v = 0; v < V; v++) out[b * V + v] = this.table[last]![v]! + (bias?.[v] ?? 0);
    }
    return fromArray(out, [B, V]);
  }

  select(index: Tensor): StepDecoder {
    return new LookupDecoder(this.table, this.bias, Array.from(index.dataSync(), (i) => this.rows[i]!), this.steps);
  }
}
