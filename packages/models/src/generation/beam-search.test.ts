import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '@glimpse/tensor';
import { LookupDecoder } from '../testing/lookup-decoder.js';
import { beamSearch } from './beam-search.js';
import { greedySearch } from './search.js';

const ids = (rows: number[][]) => tensor(rows, { dtype: 'int32' });
// Tables are written as probabilities; 1e-6 stands for "never" while keeping every log finite.
const E = 1e-6;

describe('beamSearch', () => {
  // 0 BOS, 1 a, 2 b, 3 c, 4 d, 5 EOS. Greedy takes a (0.5) and then only finds 0.5·0.3 = 0.15;
  // the second beam b (0.4) leads to c with 0.9: 0.36.
  const table = LookupDecoder.fromProbabilities([
    [E, 0.5, 0.4, 0.1 - 3 * E, E, E],
    [E, E, E, 0.3, 0.3, 0.4 - 3 * E],
    [E, E, E, 0.9, 0.1 - 4 * E, E],
    [E, E, E, E, E, 1 - 5 * E],
    [E, E, E, E, E, 1 - 5 * E],
    [E, E, E, E, E, 1 - 5 * E],
  ]);
  const o = { eosTokenId: 5, maxLength: 6 };

  it('finds the more likely sequence that greedy search misses', () => {
    const greedy = greedySearch(LookupDecoder.of(table, 1), ids([[0]]), o);
    expect(greedy.tokens).toEqual([[1, 5]]);
    const beam = beamSearch(LookupDecoder.of(table, 1), ids([[0]]), { ...o, numBeams: 2, lengthPenalty: 0 });
    expect(beam.tokens).toEqual([[2, 3, 5]]);
    expect(beam.logProbs[0]).toBeCloseTo(Math.log(0.4 * 0.9 * (1 - 5 * E)), 9);
    expect(beam.scores[0]).toBeCloseTo(beam.logProbs[0]!, 12);
    expect(beam.logProbs[0]!).toBeGreaterThan(greedy.logProbs[0]!);
  });

  it('lengthPenalty divides by generated length^penalty: 0 favours the short sequence, 1 the long one', () => {
    // BOS → x (0.6) → EOS, or BOS → y (0.4) → z → w → EOS: log 0.6 = −0.51 vs log 0.4 = −0.92 over 4 tokens.
    const V = 6;
    const to = (t: number) => Array.from({ length: V }, (_, v) => (v === t ? 1 - (V - 1) * E : E));
    const lengths = LookupDecoder.fromProbabilities([[E, 0.6, 0.4 - 3 * E, E, E, E], to(5), to(3), to(4), to(5), to(5)]);
    const run = (lengthPenalty: number) => beamSearch(LookupDecoder.of(lengths, 1), ids([[0]]), { eosTokenId: 5, maxLength: 8, numBeams: 2, lengthPenalty });
    expect(run(0).tokens).toEqual([[1, 5]]);
    expect(run(1).tokens).toEqual([[2, 3, 4, 5]]);
    expect(run(1).scores[0]).toBeCloseTo(run(1).logProbs[0]! / 4, 12);
  });

  it('early stopping: true stops at numBeams finished hypotheses; false waits while a live beam could still win', () => {
    // BOS: EOS 0.5, a 0.3, b 0.2; a → EOS; b → c → EOS. Per-token scores: EOS −0.69, a EOS −0.60, b c EOS −0.54.
    const V = 5;
    const to = (t: number) => Array.from({ length: V }, (_, v) => (v === t ? 1 - (V - 1) * E : E));
    const t = LookupDecoder.fromProbabilities([[E, 0.3, 0.2 - 3 * E, E, 0.5], to(4), to(3), to(4), to(4)]);
    const run = (earlyStopping: boolean | 'never') => beamSearch(LookupDecoder.of(t, 1), ids([[0]]), { eosTokenId: 4, maxLength: 8, numBeams: 2, earlyStopping }).tokens;
    expect(run(true)).toEqual([[1, 4]]);
    expect(run(false)).toEqual([[2, 3, 4]]);
  });

  it("'never' keeps searching while a longer sequence could still score higher", () => {
    // BOS: EOS 0.55, a 0.45; then a d d d … With one beam and lengthPenalty 1, 'false' stops at
    // EOS (−0.60 ≥ −0.60 / 1); 'never' bounds by the longest length and finds a d d d d (−0.80 / 5).
    const V = 4;
    const to = (t: number) => Array.from({ length: V }, (_, v) => (v === t ? 1 - (V - 1) * E : E));
    const t = LookupDecoder.fromProbabilities([[E, 0.45 - 2 * E, E, 0.55], to(2), to(2), to(3)]);
    const run = (earlyStopping: boolean | 'never') => beamSearch(LookupDecoder.of(t, 1), ids([[0]]), { eosTokenId: 3, maxLength: 6, numBeams: 1, earlyStopping });
    expect(run(false).tokens).toEqual([[3]]);
    expect(run('never').tokens).toEqual([[1, 2, 2, 2, 2]]);
    expect(run('never').sequences.toArray()).toEqual([[0, 1, 2, 2, 2, 2]]);
  });

  it('with one beam equals greedy search, whatever the logits and options', () => {
    for (let seed = 0; seed < 12; seed++) {
      const g = new Generator(seed);
      const V = 9;
      const draw = (s: number) => Array.from({ length: V }, () => s * g.normal());
      const tab = Array.from({ length: V }, () => draw(2));
      const bias = Array.from({ length: 4 }, () => draw(1));
      const prompt = ids([[1, 2], [1, 3], [1, 4], [1, 2]]);
      const o1 = {
        eosTokenId: 8,
        padTokenId: 0,
        maxLength: 3 + (seed % 8),
        minLength: seed % 5,
        repetitionPenalty: [1, 1.3, 0.8][seed % 3],
        useCache: seed % 2 === 0,
      };
      const greedy = greedySearch(LookupDecoder.of(tab, bias), prompt, o1);
      const beam = beamSearch(LookupDecoder.of(tab, bias), prompt, { ...o1, numBeams: 1, lengthPenalty: [1, 0, 2][seed % 3], earlyStopping: seed % 4 === 1 });
      expect(beam.sequences.toArray()).toEqual(greedy.sequences.toArray());
      beam.logProbs.forEach((lp, i) => expect(lp).toBeCloseTo(greedy.logProbs[i]!, 10));
    }
  });

  it('runs the prompt once per row, then numBeams rows per open row, dropping finished ones; uncached agrees', () => {
    const bias = [Array(6).fill(0), [0, 0, 0, 5, 0, -5]];
    const prompt = ids([[0], [0]]);
    const cached = LookupDecoder.of(table, bias);
    const a = beamSearch(cached, prompt, { ...o, numBeams: 3 });
    expect(cached.steps[0]).toEqual([1, 2]);
    expect(cached.steps[1]).toEqual([1, 6]);
    expect(cached.steps.every(([t], i) => i === 0 || t === 1)).toBe(true);
    const uncached = LookupDecoder.of(table, bias);
    const b = beamSearch(uncached, prompt, { ...o, numBeams: 3, useCache: false });
    expect(b.sequences.toArray()).toEqual(a.sequences.toArray());
    expect(uncached.steps.map(([t]) => t)).toEqual(cached.steps.map((_, i) => i + 1));
  });

  it('respects minLength and maxLength (both counting the prompt) and pads after EOS', () => {
    const out = beamSearch(LookupDecoder.of(table, 2), ids([[0, 1], [0, 2]]), { ...o, minLength: 5, maxLength: 7, padTokenId: 9 });
    const rows = out.sequences.toArray() as number[][];
    for (const [i, toks] of out.tokens.entries()) {
      const eos = toks.indexOf(5);
      expect(eos === -1 ? toks.length + 2 : eos + 2).toBeGreaterThanOrEqual(5);
      expect(toks.length + 2).toBeLessThanOrEqual(7);
      expect(rows[i]!.slice(2 + toks.length).every((v) => v === 9)).toBe(true);
    }
    const capped = beamSearch(LookupDecoder.of(table, 1), ids([[0]]), { ...o, maxLength: 2, numBeams: 2 });
    expect(capped.tokens[0]!.length).toBe(1);
    expect(() => beamSearch(LookupDecoder.of(table, 1), ids([[0]]), { ...o, numBeams: 6 })).toThrow(/6 beams need a vocabulary of more than 6 tokens/);
  });
});
