/**
 * Using BLIP's encoders without the decoder: image–text matching and retrieval.
 *
 *  - ITM (`itmScore`): the image-grounded text encoder reads the text while cross-attending to the
 *    image; the ITM head turns its first token into two logits [no match, match]. The softmax
 *    probability of "match" is what CapFilt's filter thresholds at 0.5.
 *  - Retrieval (`retrieveWithItm`), as BLIP evaluates it: ITC cosine similarities rank the whole
 *    gallery cheaply (unimodal encoders, one embedding each); only each query's top k are then
 *    re-scored by ITM (one joint pass per pair), with score = ITM "match" logit + cosine.
 *
 * First token: Hugging Face's BlipForImageTextRetrieval feeds the ids unchanged, so ITM reads the
 * tokenizer's [CLS]; the original BLIP puts [ENC] there. The default follows the model class (HF);
 * pass `firstTokenId: tokenizer.encId` for the original behaviour.
 */
import { noGrad, type Variable } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import { l2Normalize } from '../clip/clip-model.js';
import type { AttentionMask } from '../nn/attention-mask.js';
import type { BatchEncoding } from '../tokenizers/batch.js';
import type { ImageEncoder } from './caption.js';
import { int32 } from './options.js';

interface Projection {
  forward(x: Variable): Variable;
}

/** What ITM and retrieval need of a model: BlipForImageTextRetrieval and BlipPretrain have it. */
export interface ImageTextModel {
  vision_model: ImageEncoder;
  text_encoder: {
    forward(inputIds: Tensor, opts: { mode?: 'text' | 'multimodal' | 'decoder'; attentionMask?: AttentionMask; encoderHidden?: Variable }): { lastHiddenState: Variable };
  };
  vision_proj: Projection;
  text_proj: Projection;
  itm_head: Projection;
}

/** What the helpers need of a tokenizer: a batch call with padding and truncation (BertTokenizer has it). */
export interface ItmTokenizer {
  call(texts: readonly string[], options?: { padding?: 'longest'; truncation?: boolean; maxLength?: number }): BatchEncoding;
}

/** How `itmScore` and `retrieveWithItm` tokenize texts for ITM: the first token to put in place and the length cut. */
export interface ItmOptions {
  /** Replaces each text's first id before ITM (the original BLIP's [ENC]); default: ids as tokenized (HF). */
  firstTokenId?: number;
  /** Texts are cut to this many tokens (default 35, BLIP's retrieval setting). */
  maxLength?: number;
}

function tokenize(tokenizer: ItmTokenizer, texts: readonly string[], opts: ItmOptions): BatchEncoding {
  const enc = tokenizer.call(texts, { padding: 'longest', truncation: true, maxLength: opts.maxLength ?? 35 });
  if (opts.firstTokenId === undefined) return enc;
  const ids = Int32Array.from(enc.inputIds.dataSync());
  const T = enc.inputIds.shape[1]!;
  for (let i = 0; i < ids.length; i += T) ids[i] = opts.firstTokenId;
  return { ...enc, inputIds: int32(Array.from(ids)).reshape([texts.length, T]) };
}

/** ITM logits [B, 2] for the pairs (image tokens row b, text row b). */
function itmLogits(model: ImageTextModel, images: Variable, enc: BatchEncoding): Variable {
  const h = model.text_encoder.forward(enc.inputIds, { mode: 'multimodal', attentionMask: enc.attentionMask, encoderHidden: images }).lastHiddenState;
  return model.itm_head.forward(h.select(1, 0));
}

/**
 * P(match) for each pair (image b, text b) of pixelValues [B, 3, H, W] and B texts; one image
 * against many texts is allowed too. Batched: one ViT pass, one image-grounded text pass.
 */
export function itmScore(model: ImageTextModel, pixelValues: Tensor, texts: readonly string[], tokenizer: ItmTokenizer, opts: ItmOptions = {}): number[] {
  const B = pixelValues.shape[0]!;
  if (B !== texts.length && B !== 1) throw new Error(`itmScore: ${B} images and ${texts.length} texts; give one text per image, or one image`);
  return noGrad(() => {
    let images = model.vision_model.forward(pixelValues).lastHiddenState;
    if (B === 1 && texts.length !== 1) images = images.indexSelect(0, int32(texts.map(() => 0)));
    const probs = itmLogits(model, images, tokenize(tokenizer, texts, opts)).softmax(-1);
    return Array.from(probs.select(1, 1).data.dataSync());
  });
}

/** One re-ranked candidate of a query. */
export interface ItmRetrievalHit {
  /** Index into the gallery. */
  index: number;
  /** ITM "match" logit + cosine: what the list is sorted by. */
  score: number;
  /** ITC cosine similarity (what chose it as a candidate). */
  cosine: number;
  /** Softmax probability of "match". */
  match: number;
}

/** One side of a retrieval: texts, or images as pixelValues [N, 3, H, W]. */
export type ItmQuery = { texts: readonly string[] } | { pixelValues: Tensor };

/**
 * Text→image (query texts, gallery images) or image→text retrieval: ITC cosine over the whole
 * gallery, then ITM on each query's top `k` candidates (default 16; BLIP uses 256 on COCO).
 * Returns those k per query, best first by ITM match logit + cosine.
 */
export function retrieveWithItm(model: ImageTextModel, tokenizer: ItmTokenizer, query: ItmQuery, gallery: ItmQuery, opts: ItmOptions & { k?: number } = {}): ItmRetrievalHit[][] {
  if ('texts' in query === 'texts' in gallery) throw new Error('retrieveWithItm: one side must be texts and the other images (ITM scores pairs across modalities)');
  const { pixelValues } = ('pixelValues' in query ? query : gallery) as { pixelValues: Tensor };
  const { texts } = ('texts' in query ? query : gallery) as { texts: readonly string[] };
  const imageQueries = 'pixelValues' in query;
  return noGrad(() => {
    const images = model.vision_model.forward(pixelValues).lastHiddenState;
    const plain = tokenize(tokenizer, texts, { maxLength: opts.maxLength });
    const imageFeat = l2Normalize(model.vision_proj.forward(images.select(1, 0))).data;
    const textCls = model.text_encoder.forward(plain.inputIds, { mode: 'text', attentionMask: plain.attentionMask }).lastHiddenState.select(1, 0);
    const textFeat = l2Normalize(model.text_proj.forward(textCls)).data;
    const [q, g] = imageQueries ? [imageFeat, textFeat] : [textFeat, imageFeat];
    const cosines = q.matmul(g.transpose()).toArray() as number[][];
    const k = Math.min(opts.k ?? 16, g.shape[0]!);
    const joint = opts.firstTokenId === undefined ? plain : tokenize(tokenizer, texts, opts);
    return cosines.map((row, qi) => {
      const top = row.map((cosine, index) => ({ index, cosine })).sort((a, b) => b.cosine - a.cosine || a.index - b.index).slice(0, k);
      const imageRows = int32(top.map((c) => (imageQueries ? qi : c.index)));
      const textRows = int32(top.map((c) => (imageQueries ? c.index : qi)));
      const pairs = { inputIds: joint.inputIds.indexSelect(0, textRows), attentionMask: joint.attentionMask.indexSelect(0, textRows) };
      const logits = itmLogits(model, images.indexSelect(0, imageRows), pairs);
      const positive = logits.select(1, 1).data.dataSync();
      const match = logits.softmax(-1).select(1, 1).data.dataSync();
      return top.map((c, i) => ({ ...c, score: positive[i]! + c.cosine, match: match[i]! })).sort((a, b) => b.score - a.score || a.index - b.index);
    });
  });
}
