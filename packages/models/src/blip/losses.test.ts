import { describe, expect, it } from 'vitest';
import { crossEntropy, gradcheck, Variable } from '@glimpse/autograd';
import { randn, tensor } from '@glimpse/tensor';
import { l2Normalize } from '../clip/clip-model.js';
import { itcLoss, itmLabels, itmLoss, lmLabels, lmLoss, momentumTargets } from './losses.js';

const f64 = { dtype: 'float64' as const };
let seed = 900;
const x64 = (...shape: number[]) => randn(shape, { ...f64, seed: seed++ });
const ids = (rows: number[][]) => tensor(rows, { dtype: 'int32' });

describe('itcLoss', () => {
  it('is the symmetric InfoNCE of CLIP with logits f_I·f_Tᵀ/τ', () => {
    const [image, text] = [new Variable(x64(3, 4)), new Variable(x64(3, 4))];
    const sim = image.matmul(text.transpose()).div(0.07);
    const targets = tensor([0, 1, 2], { dtype: 'int32' });
    const expected = crossEntropy(sim, targets).add(crossEntropy(sim.transpose(), targets)).div(2).item();
    expect(itcLoss(image, text, 0.07).item()).toBeCloseTo(expected, 12);
  });

  it('gradchecks in features and temperature, in-batch and with banks + soft targets', () => {
    gradcheck((i, t, temp) => itcLoss(l2Normalize(i), l2Normalize(t), temp!), [x64(3, 4), x64(3, 4), tensor(0.3, f64)]);
    const { softTargets, imageBank, textBank } = momentumTargets(x64(3, 4), x64(3, 4), 0.5, 0.4, { image: x64(6, 4), text: x64(6, 4) });
    expect(softTargets.i2t.shape).toEqual([3, 9]);
    expect(softTargets.i2t.sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-12);
    gradcheck((i, t, temp) => itcLoss(i, t, temp!, { softTargets, imageBank, textBank }), [x64(3, 4), x64(3, 4), tensor(0.5, f64)]);
  });

  it('momentum targets: α = 0 gives the one-hot diagonal (zero over the queue)', () => {
    const { softTargets } = momentumTargets(x64(2, 3), x64(2, 3), 0.1, 0, { text: x64(4, 3) });
    expect(softTargets.i2t.toArray()).toEqual([
      [1, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ]);
    expect(softTargets.t2i.toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('names the shapes on bad input', () => {
    expect(() => itcLoss(new Variable(x64(3, 4)), new Variable(x64(2, 4)), 1)).toThrow(/itcLoss: image and text features must both be \[B, E\], got \[3,4\] and \[2,4\]/);
    expect(() => itcLoss(new Variable(x64(3, 4)), new Variable(x64(3, 4)), 1, { textBank: x64(2, 4) })).toThrow(/textBank must be \[N ≥ 3, 4\], got \[2,4\]/);
  });
});

describe('itmLoss', () => {
  it('labels B positives then 2B negatives, and is their cross-entropy', () => {
    expect(Array.from(itmLabels(2).dataSync())).toEqual([1, 1, 0, 0, 0, 0]);
    const logits = new Variable(x64(6, 2));
    expect(itmLoss(logits).item()).toBeCloseTo(crossEntropy(logits, itmLabels(2)).item(), 14);
  });

  it('gradchecks', () => {
    gradcheck((l) => itmLoss(l), [x64(9, 2)]);
  });

  it('rejects logits that are not [3B, 2]', () => {
    expect(() => itmLoss(new Variable(x64(4, 2)))).toThrow(/itmLoss: expected logits \[3B, 2\] \(B positives then 2B negatives\), got \[4,2\]/);
  });
});

describe('lmLoss', () => {
  const labels = ids([
    [38, 5, 7, 2, -100],
    [38, 9, 2, -100, -100],
  ]);

  it('predicts label t+1 from the logits at t, averaging over the counted targets, with smoothing', () => {
    const logits = new Variable(x64(2, 5, 11));
    const logp = logits.data.logSoftmax(-1);
    const manual = (eps: number) => {
      const pairs: [number, number, number][] = [
        [0, 0, 5], [0, 1, 7], [0, 2, 2],
        [1, 0, 9], [1, 1, 2],
      ];
      let total = 0;
      for (const [b, t, y] of pairs) {
        const row = logp.select(0, b).select(0, t);
        total += -(1 - eps) * row.select(0, y).item() - eps * row.mean().item();
      }
      return total / pairs.length;
    };
    expect(lmLoss(logits, labels, { labelSmoothing: 0 }).item()).toBeCloseTo(manual(0), 12);
    expect(lmLoss(logits, labels).item()).toBeCloseTo(manual(0.1), 12);
  });

  it('gradchecks with label smoothing 0.1 and ignored positions', () => {
    gradcheck((l) => lmLoss(l, labels), [x64(2, 5, 11)]);
  });

  it('lmLabels ignores padding and the prompt (the [DEC] token and "a picture of")', () => {
    const decoder = ids([
      [38, 40, 41, 42, 7, 2, 0],
      [38, 40, 41, 42, 9, 10, 2],
    ]);
    expect(lmLabels(decoder, { promptLength: 4 }).toArray()).toEqual([
      [-100, -100, -100, -100, 7, 2, -100],
      [-100, -100, -100, -100, 9, 10, 2],
    ]);
  });

  it('names the shapes on bad input', () => {
    expect(() => lmLoss(new Variable(x64(2, 4, 6)), labels)).toThrow(/lmLoss: logits must be \[B, T, vocab\] and labels \[B, T\], got \[2,4,6\] and \[2,5\]/);
  });
});


