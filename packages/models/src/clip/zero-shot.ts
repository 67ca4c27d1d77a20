/**
 * Using a trained CLIP without training it further: classify images by comparing them with
 * embedded prompts (zero-shot), and search images by text or texts by image (retrieval).
 */
import { noGrad, Variable } from '@glimpse/autograd';
import { concat, type Tensor } from '@glimpse/tensor';
import { l2Normalize, type CLIPModel } from './clip-model.js';

/** What the helpers need of a tokenizer: a batch call giving ids and a padding mask. */
export interface TextBatcher {
  call(texts: readonly string[]): { inputIds: Tensor; attentionMask: Tensor };
}

/** A few of OpenAI's ImageNet prompt templates; `{}` is replaced by the class name. */
export const DEFAULT_TEMPLATES: readonly string[] = [
  'a photo of a {}.',
  'a bad photo of a {}.',
  'a photo of the large {}.',
  'a photo of the small {}.',
  'a cropped photo of a {}.',
  'itap of a {}.',
  'art of the {}.',
  'a close-up photo of a {}.',
];

/** L2-normalised CLIP text embeddings [texts, dim], computed in chunks so a long list does not build one huge batch. */
export function embedTexts(model: CLIPModel, tokenizer: TextBatcher, texts: readonly string[], chunk = 64): Tensor {
  const parts: Tensor[] = [];
  for (let i = 0; i < texts.length; i += chunk) {
    const { inputIds, attentionMask } = tokenizer.call(texts.slice(i, i + chunk));
    parts.push(l2Normalize(model.getTextFeatures(inputIds, attentionMask)).data);
  }
  return concat(parts, 0);
}

/** L2-normalised CLIP image embeddings [images, dim] of pixelValues [B, 3, H, W]. */
export function embedImages(model: CLIPModel, pixelValues: Tensor): Tensor {
  return l2Normalize(model.getImageFeatures(pixelValues)).data;
}

/**
 * One embedding per class from prompt ensembling (Radford et al. §3.1.4): embed every template
 * filled with the class name, L2-normalise each, average, L2-normalise again → [classes, dim].
 */
export function classEmbeddings(model: CLIPModel, tokenizer: TextBatcher, labels: readonly string[], templates: readonly string[] = DEFAULT_TEMPLATES): Tensor {
  if (labels.length === 0) throw new Error('classEmbeddings: no labels');
  if (templates.length === 0 || templates.some((t) => !t.includes('{}'))) throw new Error('classEmbeddings: every template needs a {} where the label goes');
  return noGrad(() => {
    const prompts = labels.flatMap((label) => templates.map((t) => t.replaceAll('{}', label)));
    const perPrompt = embedTexts(model, tokenizer, prompts).reshape([labels.length, templates.length, -1]);
    return l2Normalize(new Variable(perPrompt.mean(1))).data;
  });
}

/** One class of a zero-shot prediction with its probability. */
export interface ZeroShotResult {
  label: string;
  /** Softmax over the classes of 100 · cosine similarity. */
  probability: number;
}

/**
 * Zero-shot classification of pixelValues [B, 3, H, W]: logits = 100 · image · classesᵀ (CLIP's
 * learned scale is ~100), softmax over the labels; each image's labels sorted by probability.
 */
export function zeroShotClassify(
  model: CLIPModel,
  tokenizer: TextBatcher,
  pixelValues: Tensor,
  labels: readonly string[],
  opts: { templates?: readonly string[]; topK?: number } = {},
): ZeroShotResult[][] {
  return noGrad(() => {
    const classes = classEmbeddings(model, tokenizer, labels, opts.templates);
    const probs = embedImages(model, pixelValues).matmul(classes.transpose()).mul(100).softmax(-1);
    return (probs.toArray() as number[][]).map((row) =>
      row
        .map((probability, i) => ({ label: labels[i]!, probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, opts.topK ?? labels.length),
    );
  });
}

/** One gallery item found by `retrieve`: its index and cosine similarity. */
export interface RetrievalHit {
  /** Index into the gallery. */
  index: number;
  /** Cosine similarity. */
  score: number;
}

/** A retrieval query or gallery: captions, or images as pixelValues [B, 3, H, W]. */
export type RetrievalSide = { texts: readonly string[] } | { pixelValues: Tensor };

/**
 * Ranks a gallery for each query by cosine similarity: text→image (queries are texts, gallery
 * images) or image→text, or same-modality search. Returns the topK hits per query, best first.
 */
export function retrieve(model: CLIPModel, tokenizer: TextBatcher, query: RetrievalSide, gallery: RetrievalSide, opts: { topK?: number } = {}): RetrievalHit[][] {
  return noGrad(() => {
    const embed = (side: RetrievalSide) => ('texts' in side ? embedTexts(model, tokenizer, side.texts) : embedImages(model, side.pixelValues));
    const scores = embed(query).matmul(embed(gallery).transpose()).toArray() as number[][];
    return scores.map((row) =>
      row
        .map((score, index) => ({ index, score }))
        .sort((a, b) => b.score - a.score || a.index - b.index)
        .slice(0, opts.topK ?? row.length),
    );
  });
}
