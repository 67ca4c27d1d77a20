import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '@glimpse/tensor';
import { LookupDecoder } from '../testing/lookup-decoder.js';
import { greedySearch, sample } from './search.js';

// Toy vocabulary: 0 [PAD], 1 BOS, 2 a, 3 b, 4 c, 5 d, 6 EOS.
const [PAD, BOS, A, B, C, D, EOS] = [0, 1, 2, 3, 4, 5, 6];
const ids = (rows: number[][]) => tensor(rows, { dtype: 'int32' });
const opts = { eosTokenId: EOS, padTokenId: PAD };

/** One-hot-ish logits: `to` gets 5, everything else 0. */
const prefer = (to: number, V = 7): number[] => Array.from({ length: V }, (_, v) => (v === to ? 5 : 0));
// BOS → a → b → EOS, c ⇄ d, EOS → EOS.
const chain = [prefer(A), prefer(A), prefer(B), prefer(EOS), prefer(D), prefer(C), prefer(EOS)];

/** A random table and per-row conditioning, for properties that must hold whatever the logits. */
function randomCase(seed: number, rows = 3, V = 9) {
  const g = new Generator(seed);
  const draw = (scale: number) => Array.from({ length: V }, () => scale * g.normal());
  return { table: Array.from({ length: V }, () => draw(2)), bias: Array.from({ length: rows }, () => draw(1)), prompt: ids(Array.from({ length: rows }, (_, r) => [1, 2 + (r % 3)])) };
}

describe('greedySearch', () => {
  it('follows the most likely token, stops each row at EOS and pads after it', () => {
    // Row 1 is pushed from a to c, so it loops c d c d … until maxLength.
    const bias = [prefer(PAD).map(() => 0), [0, 0, 0, 0, 10, 0, 0]];
    const out = greedySearch(LookupDecoder.of(chain, bias), ids([[BOS], [BOS]]), { ...opts, maxLength: 7 });
    expect(out.tokens).toEqual([[A, B, EOS], [C, C, C, C, C, C]]);
    expect(out.sequences.toArray()).toEqual([
      [BOS, A, B, EOS, PAD, PAD, PAD],
      [BOS, C, C, C, C, C, C],
    ]);
  });

  it('feeds the prompt once, then one token per running row; uncached re-runs everything', () => {
    const bias = [chain[0]!.map(() => 0), [0, 0, 0, 0, 0, 0, 0]];
    const prompt = ids([[BOS, A], [BOS, C]]);
    const cached = LookupDecoder.of(chain, bias);
    const a = greedySearch(cached, prompt, { ...opts, maxLength: 6 });
    expect(a.tokens).toEqual([[B, EOS], [D, C, D, C]]);
    // Row 0 ends after 2 steps and leaves the batch.
    expect(cached.steps).toEqual([[2, 2], [1, 2], [1, 1], [1, 1]]);
    const uncached = LookupDecoder.of(chain, bias);
    const b = greedySearch(uncached, prompt, { ...opts, maxLength: 6, useCache: false });
    expect(b.tokens).toEqual(a.tokens);
    expect(uncached.steps).toEqual([[2, 2], [3, 2], [4, 1], [5, 1]]);
  });

  it('counts the prompt in maxLength and minLength; EOS is forbidden before minLength', () => {
    // BOS → a → b → EOS (c second) and c → d → EOS.
    const table = chain.map((r) => [...r]);
    table[B] = [0, 0, 0, 0, 1, 0, 5];
    table[C] = prefer(D);
    table[D] = prefer(EOS);
    expect(greedySearch(LookupDecoder.of(table, 1), ids([[BOS]]), { ...opts, minLength: 3 }).tokens).toEqual([[A, B, EOS]]);
    // With 5, EOS is masked while the sequence (BOS included) is shorter than 5 tokens.
    expect(greedySearch(LookupDecoder.of(table, 1), ids([[BOS]]), { ...opts, minLength: 4 }).tokens).toEqual([[A, B, C, D, EOS]]);
    expect(greedySearch(LookupDecoder.of(chain, 1), ids([[BOS]]), { ...opts, maxLength: 3 }).tokens).toEqual([[A, B]]);
    expect(() => greedySearch(LookupDecoder.of(chain, 1), ids([[BOS, A]]), { ...opts, maxLength: 2 })).toThrow(/maxLength 2 leaves no room after the 2-token prompt/);
    expect(() => greedySearch(LookupDecoder.of(chain, 2), ids([[BOS]]), opts)).toThrow(/conditioned on 2 rows but the prompt has 1/);
  });

  it('repetition penalty: positive logits of seen tokens are divided, negative ones multiplied', () => {
    // After a: a scores 2, b 1.9. Seen a (2 → 2/1.2 = 1.67) loses to b.
    const loop = chain.map((r) => [...r]);
    loop[A] = [0, 0, 2, 1.9, 0, 0, -9];
    expect(greedySearch(LookupDecoder.of(loop, 1), ids([[BOS, A]]), { ...opts, maxLength: 3 }).tokens).toEqual([[A]]);
    expect(greedySearch(LookupDecoder.of(loop, 1), ids([[BOS, A]]), { ...opts, maxLength: 3, repetitionPenalty: 1.2 }).tokens).toEqual([[B]]);
    // All negative: a −1 (seen: −1.2) loses to b −1.1.
    loop[A] = [-9, -9, -1, -1.1, -9, -9, -9];
    expect(greedySearch(LookupDecoder.of(loop, 1), ids([[BOS, A]]), { ...opts, maxLength: 3, repetitionPenalty: 1.2 }).tokens).toEqual([[B]]);
  });

  it('reports the log-probability of what it generated under the raw model', () => {
    const probs = [0.7, 0.2, 0.1];
    const table = LookupDecoder.fromProbabilities([probs, [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]);
    const out = greedySearch(LookupDecoder.of(table, 1), ids([[0]]), { eosTokenId: 2, maxLength: 4, repetitionPenalty: 5 });
    // The penalty changes the choice (0 is seen: log 0.7 · 5 < log 0.2) but not the reported log p.
    expect(out.tokens[0]![0]).toBe(1);
    expect(out.logProbs[0]).toBeCloseTo(Math.log(0.2) + Math.log(0.8), 12);
  });
});

describe('sample', () => {
  it('is fixed by its seed, and the cached and uncached paths draw the same tokens', () => {
    for (let seed = 0; seed < 6; seed++) {
      const { table, bias, prompt } = randomCase(seed);
      const o = { eosTokenId: 8, maxLength: 9, minLength: 3, topP: 0.9, topK: 5, temperature: 1.3, repetitionPenalty: 1.1 };
      const cached = sample(LookupDecoder.of(table, bias), prompt, { ...o, seed: 100 + seed });
      const again = sample(LookupDecoder.of(table, bias), prompt, { ...o, generator: new Generator(100 + seed) });
      const uncached = sample(LookupDecoder.of(table, bias), prompt, { ...o, seed: 100 + seed, useCache: false });
      expect(again.sequences.toArray()).toEqual(cached.sequences.toArray());
      expect(uncached.sequences.toArray()).toEqual(cached.sequences.toArray());
      expect(uncached.logProbs).toEqual(cached.logProbs);
    }
    const { table, bias, prompt } = randomCase(1, 8);
    const draw = (seed: number) => sample(LookupDecoder.of(table, bias), prompt, { eosTokenId: 8, maxLength: 12, seed }).tokens;
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('top-k 1 and a tiny top-p are greedy; top-k draws only the k best, as often as their renormalised probabilities', () => {
    const { table, bias, prompt } = randomCase(9);
    const greedy = greedySearch(LookupDecoder.of(table, bias), prompt, { eosTokenId: 8, maxLength: 10 });
    for (const o of [{ topK: 1 }, { topP: 1e-6 }, { temperature: 1e-3 }]) {
      expect(sample(LookupDecoder.of(table, bias), prompt, { eosTokenId: 8, maxLength: 10, seed: 5, ...o }).tokens).toEqual(greedy.tokens);
    }
    // One step from BOS, where p = (0.4, 0.3, 0.2, 0.1): top-2 leaves 4/7 and 3/7.
    const first = LookupDecoder.fromProbabilities([[0.4, 0.3, 0.2, 0.1]]);
    const n = 4000;
    const prompt1 = ids(Array.from({ length: n }, () => [0]));
    const out = sample(LookupDecoder.of(first, n), prompt1, { eosTokenId: 3, maxLength: 2, topK: 2, seed: 11 });
    const counts = [0, 0, 0, 0];
    for (const t of out.tokens) counts[t[0]!]!++;
    expect(counts.slice(2)).toEqual([0, 0]);
    expect(Math.abs(counts[0]! / n - 4 / 7)).toBeLessThan(0.03);
    // top-p 0.6: the smallest set reaching 0.6 is {0, 1} (0.4 < 0.6 ≤ 0.7), renormalised to 4/7, 3/7.
    const nucleus = sample(LookupDecoder.of(first, n), prompt1, { eosTokenId: 3, maxLength: 2, topP: 0.6, seed: 12 });
    expect(new Set(nucleus.tokens.map((t) => t[0]))).toEqual(new Set([0, 1]));
  });

  it('checks its options', () => {
    const d = LookupDecoder.of(chain, 1);
    expect(() => sample(d, ids([[BOS]]), { topP: 0 })).toThrow(/topP must lie in \(0, 1\]/);
    expect(() => sample(d, ids([[BOS]]), { temperature: 0 })).toThrow(/temperature must be positive/);
    expect(() => sample(d, ids([[BOS]]), { seed: 1, generator: new Generator(1) })).toThrow(/either seed or generator/);
  });
});
