import { describe, expect, it } from 'vitest';
import { Generator } from '@glimpse/tensor';
import { applyTemperature, argmax, logSoftmax, penalizeRepeats, sampleToken, softmax, topKFilter, topPFilter } from './logits.js';

const row = (...v: number[]) => Float64Array.from(v);
const kept = (r: Float64Array) => Array.from(r.keys()).filter((i) => r[i]! > -Infinity);

describe('logit rules', () => {
  it('repetition penalty divides positive and multiplies negative logits of seen tokens, once each', () => {
    const r = row(2, -1, 3, 0.5);
    penalizeRepeats(r, [0, 1, 1, 1], 2);
    expect(Array.from(r)).toEqual([1, -2, 3, 0.5]);
    const same = row(2, -1);
    penalizeRepeats(same, [0, 1], 1);
    expect(Array.from(same)).toEqual([2, -1]);
  });

  it('top-k keeps the k largest (ties with the k-th stay); 0 or ≥ V keeps all', () => {
    const r = row(1, 5, 3, 3, 0);
    topKFilter(r, 2);
    expect(kept(r)).toEqual([1, 2, 3]);
    const all = row(1, 2, 3);
    topKFilter(all, 0);
    topKFilter(all, 3);
    expect(kept(all)).toEqual([0, 1, 2]);
  });

  it('top-p keeps the smallest most-likely set reaching p, at least one token', () => {
    const probs = [0.05, 0.5, 0.15, 0.3];
    const filtered = (p: number) => {
      const r = row(...probs.map(Math.log));
      topPFilter(r, p);
      return kept(r);
    };
    expect(filtered(0.5)).toEqual([1]); // 0.5 reaches 0.5
    expect(filtered(0.7)).toEqual([1, 3]); // 0.5 < 0.7 ≤ 0.8
    expect(filtered(0.9)).toEqual([1, 2, 3]); // 0.8 < 0.9 ≤ 0.95
    expect(filtered(0.1)).toEqual([1]);
    expect(filtered(1)).toEqual([0, 1, 2, 3]);
    // What survives is renormalised by the softmax: 0.5 / 0.8 and 0.3 / 0.8.
    const r = row(...probs.map(Math.log));
    topPFilter(r, 0.7);
    expect(softmax(r)[1]).toBeCloseTo(0.625, 12);
  });

  it('temperature divides the logits; argmax takes the first maximum', () => {
    const r = row(1, 4, 4);
    applyTemperature(r, 2);
    expect(Array.from(r)).toEqual([0.5, 2, 2]);
    expect(argmax(r)).toBe(1);
    expect(Array.from(logSoftmax(row(0, 0))).map((v) => v.toFixed(6))).toEqual([Math.log(0.5).toFixed(6), Math.log(0.5).toFixed(6)]);
  });

  it('sampling follows the probabilities and is fixed by the seed', () => {
    const probs = [0.1, 0.6, 0, 0.3];
    const logits = row(...probs.map(Math.log));
    const g = new Generator(3);
    const n = 20_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleToken(logits, g)]!++;
    expect(counts[2]).toBe(0);
    // Chi-square over the 3 possible tokens (2 degrees of freedom): 13.8 is its 0.999 quantile.
    const chi2 = [0, 1, 3].reduce((s, i) => s + (counts[i]! - n * probs[i]!) ** 2 / (n * probs[i]!), 0);
    expect(chi2).toBeLessThan(13.8);
    const draw = (seed: number) => {
      const gen = new Generator(seed);
      return Array.from({ length: 30 }, () => sampleToken(logits, gen));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});
