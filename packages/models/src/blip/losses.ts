/**
 * BLIP's three pre-training losses (Li et al. 2022, §3.2; REFERENCE.md "BLIP"), each a plain
 * function of tensors so it reads next to its formula and can be gradchecked on its own.
 *
 * ITC — image-text contrastive (in-batch symmetric InfoNCE, optionally with momentum distillation):
 *   s_i2t = f_I · f_Tᵀ / τ,   s_t2i = f_T · f_Iᵀ / τ          (f = L2-normalised projections)
 *   L_itc = ½ [ CE(s_i2t, y_i2t) + CE(s_t2i, y_t2i) ]
 *   hard targets: y = one-hot of the diagonal (image i ↔ text i);
 *   soft targets (ALBEF/BLIP momentum distillation): y = α·softmax(s_m) + (1 − α)·y_onehot,
 *   where s_m are the momentum encoders' similarities, against the batch plus the feature queues.
 *
 * ITM — image-text matching, binary, over 3B pairs scored by the image-grounded encoder's [ENC]:
 *   rows 0..B−1 positives (label 1), rows B..3B−1 hard negatives (label 0);  L_itm = CE(logits, labels)
 *
 * LM — language modelling with the causal decoder, next-token prediction:
 *   L_lm = CE_ε( logits[:, t], labels[:, t+1] ) averaged over the non-ignored targets,
 *   with label smoothing ε (0.1 in BLIP) and ignored positions (-100: padding, prompt).
 */
import { crossEntropy, noGrad, Variable } from '@glimpse/autograd';
import { arange, concat as concatTensors, eye, fromArray, zeros, type Tensor } from '@glimpse/tensor';

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;
const asVariable = (x: Variable | Tensor) => (x instanceof Variable ? x : new Variable(x));

/** The candidate banks of `itcSimilarities` (the batch plus, e.g., momentum feature queues); default: the batch alone. */
export interface ItcSimilarityOptions {
  /** Texts each image is scored against [Nt, E]; its first B rows must be the batch's texts (default: textFeat). */
  textBank?: Variable | Tensor;
  /** Images each text is scored against [Ni, E]; first B rows the batch's images (default: imageFeat). */
  imageBank?: Variable | Tensor;
}

/** The temperature-scaled ITC similarities of a batch of B pairs against the text and image banks. */
export interface ItcSimilarities {
  /** `[B, Nt]`: image i against every text; its positive is column i. */
  simI2T: Variable;
  /** `[B, Ni]`: text i against every image; its positive is column i. */
  simT2I: Variable;
}

/** The scaled similarities s_i2t = f_I·bank_Tᵀ/τ and s_t2i = f_T·bank_Iᵀ/τ (features already normalised). */
export function itcSimilarities(imageFeat: Variable, textFeat: Variable, temp: Variable | number, opts: ItcSimilarityOptions = {}): ItcSimilarities {
  const [B, E] = imageFeat.shape as [number, number];
  if (imageFeat.rank !== 2 || textFeat.rank !== 2 || textFeat.shape[0] !== B || textFeat.shape[1] !== E) {
    throw new Error(`itcLoss: image and text features must both be [B, E], got ${fmt(imageFeat.shape)} and ${fmt(textFeat.shape)}`);
  }
  const textBank = opts.textBank ? asVariable(opts.textBank) : textFeat;
  const imageBank = opts.imageBank ? asVariable(opts.imageBank) : imageFeat;
  for (const [name, bank] of [['textBank', textBank], ['imageBank', imageBank]] as const) {
    if (bank.rank !== 2 || bank.shape[1] !== E || bank.shape[0]! < B) throw new Error(`itcLoss: ${name} must be [N ≥ ${B}, ${E}], got ${fmt(bank.shape)}`);
  }
  return {
    simI2T: imageFeat.matmul(textBank.transpose()).div(temp),
    simT2I: textFeat.matmul(imageBank.transpose()).div(temp),
  };
}

/** Options of `itcLoss`: the candidate banks and, for momentum distillation, soft targets in place of the one-hot diagonal. */
export interface ItcLossOptions extends ItcSimilarityOptions {
  /** Probability targets {i2t [B, Nt], t2i [B, Ni]} (momentum distillation); default one-hot diagonal. */
  softTargets?: { i2t: Tensor; t2i: Tensor };
}

/**
 * ITC: ½[CE(s_i2t, y_i2t) + CE(s_t2i, y_t2i)] over the B pairs (see the top of this file).
 * `temp` is τ (BLIP's learned `temp`, already clamped, or a number).
 */
export function itcLoss(imageFeat: Variable, textFeat: Variable, temp: Variable | number, opts: ItcLossOptions = {}): Variable {
  const { simI2T, simT2I } = itcSimilarities(imageFeat, textFeat, temp, opts);
  const B = imageFeat.shape[0]!;
  const soft = opts.softTargets;
  if (soft) {
    if (soft.i2t.shape.join() !== simI2T.shape.join() || soft.t2i.shape.join() !== simT2I.shape.join()) {
      throw new Error(`itcLoss: soft targets ${fmt(soft.i2t.shape)} / ${fmt(soft.t2i.shape)} must match the similarities ${fmt(simI2T.shape)} / ${fmt(simT2I.shape)}`);
    }
    return crossEntropy(simI2T, soft.i2t).add(crossEntropy(simT2I, soft.t2i)).div(2);
  }
  const diagonal = arange(B, { backend: simI2T.data.backend.name });
  return crossEntropy(simI2T, diagonal).add(crossEntropy(simT2I, diagonal)).div(2);
}

/**
 * Momentum-distillation targets (ALBEF §3.3, BLIP): with the momentum encoders' features f_m and
 * the feature queues as extra candidates, bank = [f_m ; queue] and
 *   y_i2t = α·softmax(f_I,m · bank_Tᵀ / τ) + (1 − α)·[I | 0],   y_t2i likewise.
 * Returns the targets and the banks to score the online features against (itcLoss's options).
 * Computed without gradient.
 */
export function momentumTargets(
  imageFeatM: Tensor,
  textFeatM: Tensor,
  temp: number,
  alpha: number,
  queues: { image?: Tensor; text?: Tensor } = {},
): { softTargets: { i2t: Tensor; t2i: Tensor }; imageBank: Tensor; textBank: Tensor } {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`momentumTargets: alpha must lie in [0, 1], got ${alpha}`);
  return noGrad(() => {
    const B = imageFeatM.shape[0]!;
    const imageBank = queues.image ? concatTensors([imageFeatM, queues.image.to(imageFeatM.dtype)], 0) : imageFeatM;
    const textBank = queues.text ? concatTensors([textFeatM, queues.text.to(textFeatM.dtype)], 0) : textFeatM;
    const dtype = imageFeatM.dtype;
    const onehot = (n: number) => (n === B ? eye(B, B, { dtype }) : concatTensors([eye(B, B, { dtype }), zeros([B, n - B], { dtype })], 1));
    const blend = (sim: Tensor) => sim.softmax(-1).mul(alpha).add(onehot(sim.shape[1]!).mul(1 - alpha));
    return {
      softTargets: {
        i2t: blend(imageFeatM.matmul(textBank.transpose()).div(temp)),
        t2i: blend(textFeatM.matmul(imageBank.transpose()).div(temp)),
      },
      imageBank,
      textBank,
    };
  });
}

/** ITM labels for 3B pairs: 1 for the B positives, then 0 for the 2B negatives (int32 [3B]). */
export function itmLabels(batch: number): Tensor {
  const labels = new Int32Array(3 * batch);
  labels.fill(1, 0, batch);
  return fromArray(labels, [3 * batch]);
}

/**
 * ITM: binary cross-entropy (as 2-way softmax, BLIP's itm_head) over the 3B pairs — B positives,
 * B (text, hard-negative image), B (hard-negative text, image), in that order.
 */
export function itmLoss(logits: Variable): Variable {
  const [n, c] = logits.shape;
  if (logits.rank !== 2 || c !== 2 || n! % 3 !== 0 || n === 0) throw new Error(`itmLoss: expected logits [3B, 2] (B positives then 2B negatives), got ${fmt(logits.shape)}`);
  return crossEntropy(logits, itmLabels(n! / 3));
}

/** Options of `lmLoss`: label smoothing ε and the label value that is not counted. */
export interface LmLossOptions {
  /** Default 0.1 (BLIP pre-training and captioning). */
  labelSmoothing?: number;
  /** Default -100 (padding and prompt positions). */
  ignoreIndex?: number;
}

/**
 * LM: the logits at position t predict the label at t + 1, so
 *   L = mean over counted t of CE_ε(logits[:, t], labels[:, t + 1]),  t = 0 … T−2.
 * `labels` are aligned with the decoder's input ids ([B, T], -100 where ignored); the first label
 * is never predicted. Smoothing mixes ε/V uniform mass into each target, as torch's CrossEntropyLoss.
 */
export function lmLoss(logits: Variable, labels: Tensor, opts: LmLossOptions = {}): Variable {
  const { labelSmoothing = 0.1, ignoreIndex = -100 } = opts;
  const [B, T] = labels.shape;
  if (logits.rank !== 3 || labels.rank !== 2 || logits.shape[0] !== B || logits.shape[1] !== T) {
    throw new Error(`lmLoss: logits must be [B, T, vocab] and labels [B, T], got ${fmt(logits.shape)} and ${fmt(labels.shape)}`);
  }
  if (T! < 2) throw new Error(`lmLoss: need at least 2 positions to predict a next token, got labels ${fmt(labels.shape)}`);
  const shifted = logits.narrow(1, 0, T! - 1);
  const targets = labels.narrow(1, 1, T! - 1).contiguous();
  return crossEntropy(shifted, targets.to('int32'), { labelSmoothing, ignoreIndex });
}

/**
 * LM labels from decoder input ids: the ids themselves, with padding and the first
 * `promptLength` positions (the [DEC] token and a prompt such as "a picture of ") set to -100.
 */
export function lmLabels(inputIds: Tensor, opts: { padTokenId?: number; promptLength?: number; ignoreIndex?: number } = {}): Tensor {
  const { padTokenId = 0, promptLength = 0, ignoreIndex = -100 } = opts;
  const [B, T] = inputIds.shape as [number, number];
  const ids = inputIds.dataSync();
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const id = ids[b * T + t]!;
      out[b * T + t] = t < promptLength || id === padTokenId ? ignoreIndex : id;
    }
  }
  return fromArray(out, [B, T], inputIds.backend.name);
}
