/**
 * The downstream evaluation of a pre-trained BLIP on CapFilt's clean test split, the same for
 * the model trained on raw web data and the one trained on bootstrapped data:
 *  - retrieval R@1/5/10 both ways by ITC cosine (every test image against every test caption);
 *  - ITM accuracy: each image with its caption (match) and with another image's caption (no
 *    match), as `evaluateBLIP`; and the harder version, each image with its caption and with
 *    a subtly wrong one (one colour, the relation or one shape changed). Both at the 0.5
 *    threshold (accuracy) and as a ranking that needs no calibration (pairwise: the share of
 *    images whose own caption scores above the other one);
 *  - captions written by beam search (3 beams): BLEU-1..4 and CIDEr-D against the test caption,
 *    and the share that is true of the scene (`captionTruth`).
 */
import { noGrad } from '@glimpse/autograd';
import { itmScore, l2Normalize, type BertTokenizer, type BlipPretrain, type ImageProcessor } from '@glimpse/models';
import { concat, type Tensor } from '@glimpse/tensor';
import { retrievalTargets, type CaptionDataset } from '../data/dataset.js';
import { corruptCaptions, type ShapesItem } from '../data/shapes.js';
import { chanceRecall, retrievalMetrics } from '../metrics/retrieval.js';
import { evaluateBLIP } from '../recipes/blip-eval.js';
import { datasetImages } from '../recipes/clip-eval.js';
import { captionTruth, type CapFiltRow } from './data.js';

/** ITC cosine similarities [images, texts] of a dataset (every image against every caption). */
export function blipItcScores(model: BlipPretrain, tokenizer: BertTokenizer, processor: ImageProcessor, ds: CaptionDataset, opts: { batchSize?: number; maxLength?: number } = {}): Tensor {
  const batch = opts.batchSize ?? 64;
  const images = datasetImages(ds);
  const { texts } = retrievalTargets(ds);
  return noGrad(() => {
    const imageParts: Tensor[] = [];
    for (let i = 0; i < images.length; i += batch) {
      const { pixelValues } = processor.process(images.slice(i, i + batch));
      const cls = model.vision_model.forward(pixelValues).lastHiddenState.select(1, 0);
      imageParts.push(l2Normalize(model.vision_proj.forward(cls)).data);
    }
    const textParts: Tensor[] = [];
    for (let i = 0; i < texts.length; i += batch) {
      const enc = tokenizer.call(texts.slice(i, i + batch), { padding: 'longest', truncation: true, maxLength: opts.maxLength ?? 35 });
      const cls = model.text_encoder.forward(enc.inputIds, { mode: 'text', attentionMask: enc.attentionMask }).lastHiddenState.select(1, 0);
      textParts.push(l2Normalize(model.text_proj.forward(cls)).data);
    }
    return concat(imageParts, 0).matmul(concat(textParts, 0).transpose());
  });
}

/** Everything `evaluateCapFiltModel` measures, by name. */
export type CapFiltMetrics = Record<string, number>;

/** Options of `evaluateCapFiltModel`. */
export interface CapFiltEvalOptions {
  /** Seeds the mismatched and the subtly wrong captions (the same for every model evaluated). */
  seed: number;
  /** World the subtle corruptions draw from. */
  colors?: readonly string[];
  shapes?: readonly ShapesItem['objects'][number]['shape'][];
  batchSize?: number;
}

/** The test-split evaluation (see the file comment); `rows` give each test image's scene, `items` its objects for the subtle captions. */
export function evaluateCapFiltModel(
  model: BlipPretrain,
  tokenizer: BertTokenizer,
  processor: ImageProcessor,
  test: { dataset: CaptionDataset; rows: readonly CapFiltRow[]; items: readonly ShapesItem[] },
  o: CapFiltEvalOptions,
): { metrics: CapFiltMetrics; captions: string[] } {
  const wasTraining = model.training;
  model.eval();
  try {
    const ds = test.dataset;
    const n = ds.images.length;
    const metrics: CapFiltMetrics = {};
    // Retrieval by ITC.
    const scores = blipItcScores(model, tokenizer, processor, ds);
    const r = retrievalMetrics(scores, retrievalTargets(ds).textToImage, { ties: 'pessimistic' });
    for (const k of [1, 5, 10]) {
      metrics[`i2t_R@${k}`] = r.imageToText.recall[k]!;
      metrics[`t2i_R@${k}`] = r.textToImage.recall[k]!;
      metrics[`chance_R@${k}`] = chanceRecall(n, 1, k).textToImage;
    }
    metrics['mean_recall'] = r.meanRecall;
    // Captions (beam 3) and ITM against a random other caption.
    const evaluation = evaluateBLIP(model, tokenizer, processor, ds, { limit: n, seed: o.seed, batchSize: o.batchSize ?? 64 });
    for (const [k, v] of Object.entries(evaluation.metrics)) if (!k.startsWith('baseline')) metrics[k] = v;
    const captions = evaluation.captions;
    const truth = captions.map((c, i) => captionTruth(c, test.rows[evaluation.indices[i]!]!.scene));
    metrics['captions_correct'] = truth.filter((t) => t === 'correct').length / truth.length;
    metrics['captions_partial'] = truth.filter((t) => t === 'partial').length / truth.length;
    // ITM against subtly wrong captions: colour, relation or shape changed.
    const subtle = corruptCaptions(test.items, { fraction: 1, seed: o.seed + 1, kinds: ['color', 'relation', 'object'], ...(o.colors ? { colors: o.colors } : {}), ...(o.shapes ? { shapes: o.shapes } : {}) }).items;
    const batch = o.batchSize ?? 64;
    let right = 0;
    let pairs = 0;
    let ranked = 0;
    const byKind: Record<string, { right: number; count: number }> = {};
    for (let s = 0; s < n; s += batch) {
      const idx = Array.from({ length: Math.min(batch, n - s) }, (_, j) => s + j);
      const { pixelValues } = processor.process(idx.map((i) => test.items[i]!.image));
      const pos = itmScore(model, pixelValues, idx.map((i) => test.items[i]!.caption), tokenizer, { firstTokenId: tokenizer.encId });
      const neg = itmScore(model, pixelValues, idx.map((i) => subtle[i]!.caption), tokenizer, { firstTokenId: tokenizer.encId });
      idx.forEach((i, j) => {
        right += (pos[j]! > 0.5 ? 1 : 0) + (neg[j]! <= 0.5 ? 1 : 0);
        pairs += 2;
        if (pos[j]! > neg[j]!) ranked++;
        const kind = subtle[i]!.corruption?.kind ?? 'none';
        const b = (byKind[kind] ??= { right: 0, count: 0 });
        b.count++;
        if (neg[j]! <= 0.5) b.right++;
      });
    }
    metrics['ITM_subtle_accuracy'] = right / pairs;
    metrics['ITM_subtle_pairwise'] = ranked / n;
    for (const [kind, b] of Object.entries(byKind)) metrics[`ITM_rejects_${kind}`] = b.right / b.count;
    return { metrics, captions };
  } finally {
    model.train(wasTraining);
  }
}
