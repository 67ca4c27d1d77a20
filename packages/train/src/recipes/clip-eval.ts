/** Evaluating a CLIP model on a captioned dataset: retrieval both ways and zero-shot labels. */
import { noGrad } from '@glimpse/autograd';
import { classEmbeddings, embedImages, embedTexts, type CLIPModel, type ImageProcessor, type RgbImage, type TextBatcher } from '@glimpse/models';
import { concat, type Tensor } from '@glimpse/tensor';
import { metaLabels, retrievalTargets, type CaptionDataset } from '../data/dataset.js';
import { chanceRecall, retrievalMetrics } from '../metrics/retrieval.js';
import { topKAccuracy } from '../metrics/zero-shot.js';

/** The pixels of every image of a dataset held in memory (datasets of files: use a loader). */
export function datasetImages(ds: CaptionDataset): RgbImage[] {
  return ds.images.map((img, i) => {
    if (!('image' in img.ref)) throw new Error(`datasetImages: image ${i} (${img.id}) of ${ds.name} is a file; evaluate through a loader`);
    return img.ref.image;
  });
}

function embedImageList(model: CLIPModel, processor: ImageProcessor, images: readonly RgbImage[], chunk = 128): Tensor {
  const parts: Tensor[] = [];
  for (let i = 0; i < images.length; i += chunk) parts.push(embedImages(model, processor.process(images.slice(i, i + chunk)).pixelValues));
  return concat(parts, 0);
}

/** What `evaluateCLIP` measured, with the similarity matrix and the captions behind it. */
export interface CLIPEvaluation {
  /** R@1/5/10 image→text and text→image (fractions), their mean, and the chance levels. */
  metrics: Record<string, number>;
  /** Cosine similarities [images, texts], for galleries. */
  scores: Tensor;
  /** Every caption of the dataset in order: the columns of `scores`. */
  texts: string[];
  /** For each text, the index of its image (its row of `scores`). */
  textToImage: number[];
}

/**
 * Retrieval over a whole dataset: every image against every caption. With `labelKey` (e.g.
 * 'category'), also zero-shot top-1/top-5 among the dataset's label values, prompts "a {}".
 */
export function evaluateCLIP(model: CLIPModel, tokenizer: TextBatcher, processor: ImageProcessor, ds: CaptionDataset, opts: { labelKey?: string; templates?: string[] } = {}): CLIPEvaluation {
  return noGrad(() => {
    const wasTraining = model.training;
    model.eval();
    try {
      const { texts, textToImage } = retrievalTargets(ds);
      const images = embedImageList(model, processor, datasetImages(ds));
      const scores = images.matmul(embedTexts(model, tokenizer, texts, 256).transpose());
      const r = retrievalMetrics(scores, textToImage, { ties: 'pessimistic' });
      const perImage = texts.length / ds.images.length;
      const metrics: Record<string, number> = {};
      for (const k of [1, 5, 10]) {
        const chance = chanceRecall(ds.images.length, Math.round(perImage), k);
        metrics[`i2t_R@${k}`] = r.imageToText.recall[k]!;
        metrics[`t2i_R@${k}`] = r.textToImage.recall[k]!;
        metrics[`chance_i2t_R@${k}`] = chance.imageToText;
        metrics[`chance_t2i_R@${k}`] = chance.textToImage;
      }
      metrics['mean_recall'] = r.meanRecall;
      if (opts.labelKey) {
        const { classes, labels } = metaLabels(ds, opts.labelKey);
        const classVectors = classEmbeddings(model, tokenizer, classes, opts.templates ?? ['a {}']);
        const acc = topKAccuracy(images.matmul(classVectors.transpose()), labels, { ks: [1, 5], ties: 'pessimistic' });
        metrics['zeroshot_top1'] = acc.accuracy[1]!;
        metrics['zeroshot_top5'] = acc.accuracy[5]!;
        metrics['zeroshot_chance_top1'] = 1 / classes.length;
      }
      return { metrics, scores, texts, textToImage };
    } finally {
      model.train(wasTraining);
    }
  });
}
