import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bleu } from './bleu.js';
import { ciderD, ciderDocumentFrequency } from './cider.js';
import { ptbTokenize } from './ptb-tokenize.js';

interface Case {
  name: string;
  references: string[][];
  candidates: string[];
  bleu: number[];
  bleuPerImage: number[][];
  cider: number;
  ciderPerImage: number[];
}

const fixture = JSON.parse(readFileSync(new URL('../../../../fixtures/train/caption-metrics.json', import.meta.url), 'utf8')) as { cases: Case[] };

function close(actual: number, expected: number, rel = 1e-12): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

describe('BLEU and CIDEr-D against the Python reference (tools/oracle/caption_metrics.py)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const b = bleu(c.references, c.candidates, { tokenize: 'whitespace' });
    b.bleu.forEach((v, k) => close(v, c.bleu[k]!));
    b.perImage.forEach((row, i) => row.forEach((v, k) => close(v, c.bleuPerImage[i]![k]!)));
    const d = ciderD(c.references, c.candidates, { tokenize: 'whitespace' });
    close(d.cider, c.cider);
    d.perImage.forEach((v, i) => close(v, c.ciderPerImage[i]!));
  });
});

describe('BLEU, hand-computed', () => {
  it('the cat sat on the mat vs the cat is on the mat: p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0', () => {
    const b = bleu([['the cat is on the mat']], ['the cat sat on the mat']);
    close(b.bleu[0]!, 5 / 6, 1e-9);
    close(b.bleu[1]!, Math.sqrt((5 / 6) * (3 / 5)), 1e-9);
    close(b.bleu[2]!, Math.cbrt((5 / 6) * (3 / 5) * (1 / 4)), 1e-9);
    // No 4-gram matches: the 1e-15 / 1e-9 guards give (1e-6 · p1p2p3)^(1/4), tiny but not 0.
    close(b.bleu[3]!, ((5 / 6) * (3 / 5) * (1 / 4) * 1e-15 / (3 + 1e-9)) ** 0.25, 1e-6);
    expect(b.correct).toEqual([5, 3, 1, 0]);
    expect(b.guess).toEqual([6, 5, 4, 3]);
  });

  it('clips a repeated word at its largest count in any one reference', () => {
    const b = bleu([['the cat', 'a cat on a mat']], ['the the the the the the the']);
    expect(b.correct[0]).toBe(1);
    close(b.bleu[0]!, 1 / 7, 1e-9);
  });

  it('brevity penalty exp(1 − r/c) with r the closest reference length, ties to the shorter', () => {
    // c = 5, reference lengths 4 and 6 are equally close: r = 4 ≤ c, no penalty.
    expect(bleu([['a b c d', 'a b c d e f']], ['a b c x y']).referenceLength).toBe(4);
    // c = 2 against 10 and 6: r = 6, BP = exp(1 − 6/2).
    const b = bleu([['a man riding a wave on top of a surfboard', 'a surfer rides a big wave']], ['a surfer']);
    expect(b.referenceLength).toBe(6);
    close(b.bleu[0]!, Math.exp(1 - 6 / 2), 1e-9);
  });

  it('the corpus score pools counts; it is not the mean of per-image scores', () => {
    const refs = [['a b c d'], ['e f g h']];
    const b = bleu(refs, ['a b c d', 'e x']);
    // Pooled unigrams: 4 + 1 correct of 6; lengths 6 vs 8 → BP = exp(1 − 8/6).
    close(b.bleu[0]!, (5 / 6) * Math.exp(1 - 8 / 6), 1e-9);
    expect(b.perImage[0]![0]).toBeCloseTo(1, 9);
  });

  it('tokenises like pycocoevalcap before counting (case and punctuation do not matter)', () => {
    const b = bleu([['A dog, running on the grass.']], ['a dog running on the grass']);
    close(b.bleu[3]!, 1, 1e-9);
  });

  it('checks its inputs', () => {
    expect(() => bleu([['a']], ['a', 'b'])).toThrow(/2 candidates but 1 reference lists/);
    expect(() => bleu([[]], ['a'])).toThrow(/image 0 has no reference captions/);
    expect(() => bleu([], [])).toThrow(/no captions/);
  });
});

describe('CIDEr-D, hand-computed', () => {
  it('is 0 for a one-image corpus (every reference n-gram has idf log 1 − log 1 = 0)', () => {
    expect(ciderD([['a dog runs']], ['a dog runs']).cider).toBe(0);
  });

  it('two images "a b" / "c d", each candidate equal to its reference: orders 1, 2 give 1, orders 3, 4 give 0 → 10 · 2/4 = 5', () => {
    const d = ciderD([['a b'], ['c d']], ['a b', 'c d']);
    close(d.cider, 5, 1e-12);
  });

  it('the Gaussian length penalty uses bigram counts: exp(−δ²/72)', () => {
    // Candidate "x a b" vs reference "a b" (plus a second image so idf > 0): unigrams a, b match
    // (x has idf log 2 too), δ = 2 − 1 bigrams = 1.
    const d = ciderD([['a b'], ['c d']], ['x a b', 'c d']);
    const l2 = Math.log(2);
    const uni = (2 * l2 * l2) / (Math.sqrt(3) * l2 * Math.sqrt(2) * l2);
    const bi = (l2 * l2) / (Math.sqrt(2) * l2 * l2);
    close(d.perImage[0]!, ((uni + bi) / 4) * 10 * Math.exp(-1 / 72), 1e-12);
  });

  it('clips: repeating a matching word does not raise the score', () => {
    const refs = [['a red ball'], ['a blue cube'], ['two dogs']];
    const once = ciderD(refs, ['red ball', 'blue cube', 'two dogs']).perImage[0]!;
    const twice = ciderD(refs, ['red red ball', 'blue cube', 'two dogs']).perImage[0]!;
    expect(twice).toBeLessThan(once);
  });

  it('takes document frequencies from another corpus', () => {
    const train = [['a red ball'], ['a blue ball'], ['a red cube'], ['two dogs']];
    const df = ciderDocumentFrequency(train);
    expect(df.images).toBe(4);
    expect(df.df.get('a')).toBe(3);
    expect(df.df.get('red')).toBe(2);
    // One image scored alone: with its own df the score is 0; with the training df it is not.
    expect(ciderD([['a red ball']], ['a red ball']).cider).toBe(0);
    expect(ciderD([['a red ball']], ['a red ball'], { documentFrequency: df }).cider).toBeGreaterThan(0);
  });
});

describe('ptbTokenize (what pycocoevalcap scores)', () => {
  it.each([
    ['A man riding a wave on top of a surfboard.', 'a man riding a wave on top of a surfboard'],
    ['Two dogs, one black and one white, play.', 'two dogs one black and one white play'],
    ["The dog's ball isn't red", "the dog 's ball is n't red"],
    ["I can't see; it won't stop!", "i ca n't see it wo n't stop"],
    ["The players' shirts", 'the players shirts'],
    ['A "large" (very large) T-shirt', 'a large very large t-shirt'],
    ['It costs $5 or 50% of 1,000.5 dollars...', 'it costs $ 5 or 50 % of 1,000.5 dollars'],
    ['a cat - or a dog -- maybe', 'a cat or a dog maybe'],
    ['Seen in the U.S. at 5 a.m. today', 'seen in the u.s. at 5 a.m. today'],
    ['dogs,cats and birds', 'dogs cats and birds'],
    ['We cannot go', 'we can not go'],
    ['  spaced\tout\ncaption  ', 'spaced out caption'],
  ])('%j → %j', (input, expected) => {
    expect(ptbTokenize(input).join(' ')).toBe(expected);
  });
});
