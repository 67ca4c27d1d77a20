import { fromArray } from '@glimpse/tensor';
import { describe, expect, it } from 'vitest';
import { chanceRecall, retrievalMetrics } from './retrieval.js';
import { topKAccuracy } from './zero-shot.js';

// 3 images, 5 captions: image 0 owns captions 0, 1; image 1 owns 2; image 2 owns 3, 4.
const textToImage = [0, 0, 1, 2, 2];
const scores = [
  [0.9, 0.1, 0.8, 0.3, 0.2], // best true 0.9 → rank 0
  [0.5, 0.4, 0.3, 0.6, 0.1], // true 0.3; 0.5, 0.4, 0.6 above → rank 3
  [0.2, 0.7, 0.1, 0.4, 0.5], // best true 0.5; 0.7 above → rank 1
];

describe('retrievalMetrics (hand-computed)', () => {
  it('image→text uses the best-ranked true caption; text→image ranks each caption against all images', () => {
    const m = retrievalMetrics(scores, textToImage, { ks: [1, 2, 5] });
    expect([...m.imageToText.ranks]).toEqual([0, 3, 1]);
    // Columns: t0 [.9 .5 .2] true .9 → 0; t1 [.1 .4 .7] true .1 → 2; t2 [.8 .3 .1] true .3 → 1;
    // t3 [.3 .6 .4] true .4 → 1; t4 [.2 .1 .5] true .5 → 0.
    expect([...m.textToImage.ranks]).toEqual([0, 2, 1, 1, 0]);
    expect(m.imageToText.recall).toEqual({ 1: 1 / 3, 2: 2 / 3, 5: 1 });
    expect(m.textToImage.recall).toEqual({ 1: 2 / 5, 2: 4 / 5, 5: 1 });
    expect(m.textToImage.meanRank).toBeCloseTo(9 / 5, 12);
    expect(m.textToImage.medianRank).toBe(2);
    expect(m.imageToText.medianRank).toBe(2);
    expect(m.meanRecall).toBeCloseTo((1 / 3 + 2 / 3 + 1 + 2 / 5 + 4 / 5 + 1) / 6, 12);
  });

  it('reads a Tensor and a flat array the same way, default K = 1, 5, 10', () => {
    const flat = Float32Array.from(scores.flat());
    const a = retrievalMetrics(fromArray(flat, [3, 5]), textToImage);
    const b = retrievalMetrics({ data: flat, rows: 3, cols: 5 }, textToImage);
    expect(Object.keys(a.imageToText.recall)).toEqual(['1', '5', '10']);
    expect([...a.textToImage.ranks]).toEqual([...b.textToImage.ranks]);
    expect([...a.imageToText.ranks]).toEqual([0, 3, 1]);
  });

  it('ties: optimistic (the reference rule) gives constant scores a perfect score; pessimistic gives the worst', () => {
    const flat = [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ];
    const opt = retrievalMetrics(flat, textToImage);
    expect(opt.imageToText.recall[1]).toBe(1);
    const pes = retrievalMetrics(flat, textToImage, { ties: 'pessimistic' });
    // Every false caption ties with the true one: ranks = number of false captions.
    expect([...pes.imageToText.ranks]).toEqual([3, 4, 3]);
    expect([...pes.textToImage.ranks]).toEqual([2, 2, 2, 2, 2]);
    expect(pes.textToImage.recall[1]).toBe(0);
  });

  it('names what is wrong with its inputs', () => {
    expect(() => retrievalMetrics(scores, [0, 0, 1, 2])).toThrow(/5 text columns but textToImage has 4/);
    expect(() => retrievalMetrics(scores, [0, 0, 1, 1, 1])).toThrow(/image 2 has no caption/);
    expect(() => retrievalMetrics(scores, [0, 0, 1, 3, 2])).toThrow(/textToImage\[3\] = 3 is not an image index/);
    expect(() => retrievalMetrics([[0.1, NaN]], [0, 0])).toThrow(/scores\[0\]\[1\] is NaN/);
    expect(() => retrievalMetrics([[1, 2], [3]], [0, 1])).toThrow(/row 1 has 1 entries/);
    expect(() => retrievalMetrics(scores, textToImage, { ks: [0] })).toThrow(/ks must be positive/);
  });

  it('chance levels: K/images for text→image; 1 − C(n−c, K)/C(n, K) for image→text', () => {
    expect(chanceRecall(10, 1, 1).imageToText).toBeCloseTo(0.1, 15);
    expect(chanceRecall(10, 1, 1).textToImage).toBe(0.1);
    let miss = 1;
    for (let j = 0; j < 5; j++) miss *= (495 - j) / (500 - j);
    expect(chanceRecall(100, 5, 5).imageToText).toBeCloseTo(1 - miss, 14);
    expect(chanceRecall(100, 5, 5).textToImage).toBeCloseTo(0.05, 14);
  });

  it('random scores land near chance (a sanity check of the definitions together)', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const nImages = 200;
    const t2i = Array.from({ length: nImages * 2 }, (_, t) => t >> 1);
    const data = Float64Array.from({ length: nImages * t2i.length }, rand);
    const m = retrievalMetrics({ data, rows: nImages, cols: t2i.length }, t2i);
    const chance = chanceRecall(nImages, 2, 10);
    expect(Math.abs(m.textToImage.recall[10]! - chance.textToImage)).toBeLessThan(0.03);
    expect(Math.abs(m.imageToText.recall[10]! - chance.imageToText)).toBeLessThan(0.05);
  });
});

describe('topKAccuracy (hand-computed)', () => {
  const logits = [
    [1, 3, 2], // true 2: class 1 above → rank 1
    [0, 0, 5], // true 2 → rank 0
    [2, 2, 1], // true 0: class 1 ties → optimistic 0, pessimistic 1
  ];
  const labels = [2, 2, 0];

  it('top-1 and top-K with the strict rule', () => {
    const r = topKAccuracy(logits, labels, { ks: [1, 2] });
    expect([...r.ranks]).toEqual([1, 0, 0]);
    expect(r.accuracy).toEqual({ 1: 2 / 3, 2: 1 });
    expect([...r.perClassTop1]).toEqual([1, NaN, 0.5]);
  });

  it('pessimistic ties', () => {
    const r = topKAccuracy(logits, labels, { ks: [1, 5], ties: 'pessimistic' });
    expect([...r.ranks]).toEqual([1, 0, 1]);
    expect(r.accuracy[1]).toBeCloseTo(1 / 3, 15);
    // K beyond the number of classes: every sample is within the top K.
    expect(r.accuracy[5]).toBe(1);
  });

  it('checks labels', () => {
    expect(() => topKAccuracy(logits, [0, 1])).toThrow(/3 rows but there are 2 labels/);
    expect(() => topKAccuracy(logits, [0, 1, 3])).toThrow(/labels\[2\] = 3 is not a class index/);
  });
});
