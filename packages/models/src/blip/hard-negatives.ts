/**
 * Hard-negative mining for ITM, exactly as BLIP (and ALBEF) do it, without gradient:
 *
 *   w_t2i = softmax(s_t2i[:, :B]) + 1e-4,  w_t2i[i, i] = 0      (same for w_i2t)
 *   for each text i:  negative image ~ Multinomial(w_t2i[i])
 *   for each image i: negative text  ~ Multinomial(w_i2t[i])
 *
 * A negative is drawn in proportion to how similar the ITC head finds it, so the ITM head sees
 * the confusable pairs (two dogs on grass) far more often than the easy ones (a dog vs. a pizza);
 * the 1e-4 floor keeps every other pair possible, and the zeroed diagonal makes the positive
 * impossible. Only the first B columns (the batch) are candidates, even when a feature queue
 * widened the similarities. Draws come from the seeded generator, so a seed reproduces them.
 */
import { noGrad, Variable } from '@glimpse/autograd';
import { eye, fromArray, type Generator, type Tensor } from '@glimpse/tensor';

/** One hard negative per pair of a batch of B: batch indices (int32 [B]) of a negative image for each text and a negative text for each image. */
export interface HardNegatives {
  /** For each text i, the index of its negative image (int32 [B]). */
  imageForText: Tensor;
  /** For each image i, the index of its negative text (int32 [B]). */
  textForImage: Tensor;
}

/** Hard negatives as `sampleHardNegatives` drew them, with the weights they were drawn from. */
export interface HardNegativeDraw extends HardNegatives {
  /** The sampling weights w_t2i [B, B] (rows: texts), unnormalised as BLIP's. */
  weightsT2I: Tensor;
  /** The sampling weights w_i2t [B, B] (rows: images), unnormalised as BLIP's. */
  weightsI2T: Tensor;
}

/** softmax(sim[:, :B]) + 1e-4 with a zero diagonal: BLIP's unnormalised sampling weights. */
export function hardNegativeWeights(sim: Variable | Tensor): Tensor {
  const s = sim instanceof Variable ? sim.data : sim;
  const B = s.shape[0]!;
  if (s.rank !== 2 || s.shape[1]! < B) throw new Error(`hardNegativeWeights: similarities must be [B, N ≥ B], got [${s.shape.join(',')}]`);
  if (B < 2) throw new Error('hardNegativeWeights: a batch of one pair has no negatives');
  const inBatch = s.narrow(1, 0, B);
  return inBatch.softmax(-1).add(1e-4).mul(eye(B, B, { dtype: s.dtype, backend: s.backend.name }).mul(-1).add(1));
}

/**
 * One draw per row from the unnormalised weights [B, N] (torch.multinomial(w[i], 1) for each row):
 * inverse-CDF sampling with one uniform from `generator` per row, in row order.
 */
export function multinomialRows(weights: Tensor, generator: Generator): Tensor {
  const [B, N] = weights.shape as [number, number];
  const w = weights.dataSync();
  const picks = new Int32Array(B);
  for (let i = 0; i < B; i++) {
    let total = 0;
    for (let j = 0; j < N; j++) {
      const x = w[i * N + j]!;
      if (!(x >= 0) || !Number.isFinite(x)) throw new Error(`multinomialRows: row ${i} has a weight that is negative or not finite (${x})`);
      total += x;
    }
    if (!(total > 0)) throw new Error(`multinomialRows: row ${i} has no positive weight`);
    const u = generator.uniform() * total;
    let acc = 0;
    let pick = -1;
    for (let j = 0; j < N; j++) {
      const x = w[i * N + j]!;
      if (x <= 0) continue;
      acc += x;
      pick = j;
      if (u < acc) break;
    }
    picks[i] = pick; // the last positive column when rounding leaves u ≥ acc
  }
  return fromArray(picks, [B]);
}

/**
 * BLIP's hard negatives from the ITC similarities s_i2t [B, N] (images × texts) and
 * s_t2i [B, N] (texts × images). Texts' negative images are drawn first, then images' negative
 * texts, as in BLIP. Returns the indices and the weights they were drawn from.
 */
export function sampleHardNegatives(simI2T: Variable | Tensor, simT2I: Variable | Tensor, generator: Generator): HardNegativeDraw {
  return noGrad(() => {
    const weightsT2I = hardNegativeWeights(simT2I);
    const weightsI2T = hardNegativeWeights(simI2T);
    if (weightsT2I.shape[0] !== weightsI2T.shape[0]) throw new Error(`sampleHardNegatives: ${weightsI2T.shape[0]} images vs ${weightsT2I.shape[0]} texts`);
    const imageForText = multinomialRows(weightsT2I, generator);
    const textForImage = multinomialRows(weightsI2T, generator);
    return { imageForText, textForImage, weightsT2I, weightsI2T };
  });
}
