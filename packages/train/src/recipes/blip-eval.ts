/**
 * Evaluating a BLIP model on held-out captioned images: the captions it writes (BLEU-1..4 and
 * CIDEr-D against the references, beside a trivial baseline) and how well ITM tells true pairs
 * from mismatched ones.
 */
import { caption, itmScore, type BertTokenizer, type BlipPretrain, type ImageProcessor } from '@glimpse/models';
import { Generator } from '@glimpse/tensor';
import type { CaptionDataset } from '../data/dataset.js';
import { bleu } from '../metrics/bleu.js';
import { ciderD } from '../metrics/cider.js';
import { datasetImages } from './clip-eval.js';

/** What `evaluateBLIP` measured, and the captions it wrote. */
export interface BLIPEvaluation {
  /** BLEU-1..4, CIDEr-D, ITM_accuracy and ITM_chance (0.5); baseline_BLEU-4 and baseline_CIDEr-D when a baseline caption was given. */
  metrics: Record<string, number>;
  /** Generated captions of the evaluated images, in order. */
  captions: string[];
  /** Indices (into the dataset) of the evaluated images. */
  indices: number[];
}

/** The training caption that is most common (first on ties): the caption a model that ignores the image would say. */
export function constantCaptionBaseline(train: CaptionDataset): string {
  const counts = new Map<string, number>();
  for (const img of train.images) for (const c of img.captions) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
}

/**
 * Captions an evenly spread subset of `ds`'s images (`limit`, default 200; beam search, by default 3 beams,
 * maxLength 20, minLength 3, no prompt) and scores them with BLEU and CIDEr-D against the references; then
 * counts ITM as correct when an image with its own first caption gets P(match) > 0.5 and with a random
 * other image's gets ≤ 0.5. `ds` must hold its images in memory; the model runs in eval mode, restored after.
 */
export function evaluateBLIP(
  model: BlipPretrain,
  tokenizer: BertTokenizer,
  processor: ImageProcessor,
  ds: CaptionDataset,
  opts: { limit?: number; baseline?: string; seed?: number; numBeams?: number; maxLength?: number; batchSize?: number } = {},
): BLIPEvaluation {
  const wasTraining = model.training;
  model.eval();
  try {
    const images = datasetImages(ds);
    const g = new Generator(opts.seed ?? 0);
    const limit = Math.min(opts.limit ?? 200, images.length);
    // An evenly spread subset, so every category is represented.
    const indices = Array.from({ length: limit }, (_, i) => Math.floor((i * images.length) / limit));
    const references = indices.map((i) => [...ds.images[i]!.captions]);
    const captions: string[] = [];
    const batchSize = opts.batchSize ?? 32;
    for (let s = 0; s < indices.length; s += batchSize) {
      const chunk = indices.slice(s, s + batchSize);
      const { pixelValues } = processor.process(chunk.map((i) => images[i]!));
      captions.push(...caption(model, pixelValues, tokenizer, { prompt: '', numBeams: opts.numBeams ?? 3, maxLength: opts.maxLength ?? 20, minLength: 3 }));
    }
    const metrics: Record<string, number> = {};
    const scores = bleu(references, captions);
    scores.bleu.forEach((b, k) => (metrics[`BLEU-${k + 1}`] = b));
    metrics['CIDEr-D'] = ciderD(references, captions).cider;
    if (opts.baseline !== undefined) {
      const constant = indices.map(() => opts.baseline!);
      const base = bleu(references, constant).bleu;
      metrics['baseline_BLEU-1'] = base[0]!;
      metrics['baseline_BLEU-4'] = base[3]!;
      metrics['baseline_CIDEr-D'] = ciderD(references, constant).cider;
    }
    // ITM: each image with its own caption (match) and with another image's caption (no match).
    // Accuracy thresholds P(match) at 0.5, as CapFilt's filter does; the pairwise score asks only
    // whether the own caption scores higher than the other one (threshold-free, chance 0.5).
    let correct = 0;
    let pairwise = 0;
    for (let s = 0; s < indices.length; s += batchSize) {
      const chunk = indices.slice(s, s + batchSize);
      const { pixelValues } = processor.process(chunk.map((i) => images[i]!));
      const own = chunk.map((i) => ds.images[i]!.captions[0]!);
      const other = chunk.map((i) => {
        let j = g.integer(0, images.length - 1);
        if (j >= i) j++;
        return ds.images[j]!.captions[0]!;
      });
      // BlipPretrain trains ITM with [ENC] as the first token, so it is scored the same way.
      const itm = { firstTokenId: tokenizer.encId! };
      const pOwn = itmScore(model, pixelValues, own, tokenizer, itm);
      const pOther = itmScore(model, pixelValues, other, tokenizer, itm);
      correct += pOwn.filter((p) => p > 0.5).length + pOther.filter((p) => p <= 0.5).length;
      pairwise += pOwn.filter((p, k) => p > pOther[k]!).length;
    }
    metrics['ITM_accuracy'] = correct / (2 * indices.length);
    metrics['ITM_pairwise'] = pairwise / indices.length;
    metrics['ITM_chance'] = 0.5;
    return { metrics, captions, indices };
  } finally {
    model.train(wasTraining);
  }
}
