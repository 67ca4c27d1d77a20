import { describe, expect, it } from 'vitest';
import { Variable } from '@glimpse/autograd';
import { Generator, randn, tensor } from '@glimpse/tensor';
import { hardNegativeWeights, multinomialRows, sampleHardNegatives } from './hard-negatives.js';

const B = 5;
// Similarities / temperature of a batch of 5 pairs (images × texts), varied enough that every
// negative has a sizeable probability (so each expected count is far above 5).
const simI2T = randn([B, B], { dtype: 'float64', seed: 11 }).mul(1.2);
const simT2I = randn([B, B], { dtype: 'float64', seed: 12 }).mul(1.2);
const DRAWS = 20_000;
// χ² quantile 0.999 with B·(B − 2) = 15 degrees of freedom (each row: B − 1 possible negatives, one constraint).
const CHI2_15_999 = 37.697;

function normalisedRows(w: number[][]): number[][] {
  return w.map((row) => row.map((x) => x / row.reduce((a, b) => a + b, 0)));
}

describe('sampleHardNegatives (BLIP: softmax + 1e-4, zero diagonal, one multinomial draw per row)', () => {
  const weightsT2I = (hardNegativeWeights(simT2I).toArray() as number[][]);
  const weightsI2T = (hardNegativeWeights(simI2T).toArray() as number[][]);
  const generator = new Generator(2024);
  const counts = { imageForText: weightsT2I.map((r) => r.map(() => 0)), textForImage: weightsI2T.map((r) => r.map(() => 0)) };
  let positives = 0;
  for (let n = 0; n < DRAWS; n++) {
    const { imageForText, textForImage } = sampleHardNegatives(new Variable(simI2T), new Variable(simT2I), generator);
    for (const [name, picks] of [['imageForText', imageForText], ['textForImage', textForImage]] as const) {
      picks.dataSync().forEach((j, i) => {
        counts[name][i]![j]!++;
        if (j === i) positives++;
      });
    }
  }

  it('computes the weights exactly as BLIP', () => {
    const manual = (simT2I.toArray() as number[][]).map((row, i) => {
      const m = Math.max(...row);
      const e = row.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x, j) => (j === i ? 0 : x / z + 1e-4));
    });
    weightsT2I.forEach((row, i) => row.forEach((w, j) => expect(w).toBeCloseTo(manual[i]![j]!, 14)));
  });

  it(`never picks the positive (${2 * B * DRAWS} draws)`, () => {
    expect(positives).toBe(0);
  });

  it('draws each negative in proportion to its weight: Pearson χ² below the 0.999 quantile (df 15) in both directions', () => {
    const chi2 = (observed: number[][], weights: number[][]) => {
      let stat = 0;
      normalisedRows(weights).forEach((row, i) =>
        row.forEach((p, j) => {
          if (j === i) return;
          const expected = p * DRAWS;
          expect(expected).toBeGreaterThan(50); // the χ² approximation is sound
          stat += (observed[i]![j]! - expected) ** 2 / expected;
        }),
      );
      return stat;
    };
    const statT2I = chi2(counts.imageForText, weightsT2I);
    const statI2T = chi2(counts.textForImage, weightsI2T);
    if (process.env['PARITY_REPORT']) console.log(`hard negatives: χ² text→image ${statT2I.toFixed(2)}, image→text ${statI2T.toFixed(2)} (df 15, 0.999 quantile ${CHI2_15_999})`);
    expect(statT2I).toBeLessThan(CHI2_15_999);
    expect(statI2T).toBeLessThan(CHI2_15_999);
    // The test has power: the same counts are far from what a uniform choice of negative would give.
    const uniform = weightsT2I.map((row, i) => row.map((_, j) => (j === i ? 0 : 1)));
    expect(chi2(counts.imageForText, uniform)).toBeGreaterThan(10 * CHI2_15_999);
  });

  it('gives the same picks for the same seed, other picks for another seed', () => {
    const run = (seed: number) => {
      const g = new Generator(seed);
      return Array.from({ length: 50 }, () => {
        const n = sampleHardNegatives(simI2T, simT2I, g);
        return [...n.imageForText.dataSync(), ...n.textForImage.dataSync()];
      }).flat();
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('only considers the batch columns when a feature queue widened the similarities', () => {
    const wide = tensor([
      [0, 1, 50, 50],
      [1, 0, 50, 50],
    ], { dtype: 'float64' });
    const w = hardNegativeWeights(wide);
    expect(w.shape).toEqual([2, 2]);
    const n = sampleHardNegatives(wide, wide, new Generator(0));
    expect(Array.from(n.imageForText.dataSync())).toEqual([1, 0]);
    expect(Array.from(n.textForImage.dataSync())).toEqual([1, 0]);
  });

  it('never picks the positive even when it dominates the softmax', () => {
    const sim = tensor([
      [80, 0, 0],
      [0, 80, 0],
      [0, 0, 80],
    ], { dtype: 'float32' });
    const g = new Generator(3);
    for (let n = 0; n < 200; n++) {
      const picks = sampleHardNegatives(sim, sim, g);
      picks.imageForText.dataSync().forEach((j, i) => expect(j).not.toBe(i));
    }
  });

  it('rejects weights it cannot sample from, and a batch of one', () => {
    expect(() => multinomialRows(tensor([[0, 0]]), new Generator(0))).toThrow(/row 0 has no positive weight/);
    expect(() => multinomialRows(tensor([[1, -1]]), new Generator(0))).toThrow(/row 0 has a weight that is negative or not finite/);
    expect(() => hardNegativeWeights(tensor([[1]]))).toThrow(/a batch of one pair has no negatives/);
  });
});
