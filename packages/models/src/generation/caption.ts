/**
 * Captioning with BLIP as its authors ran it: encode the images once, start every caption from
 * [DEC] followed by the prompt "a picture of " (the captioner was fine-tuned with it), generate,
 * and return the text after the prompt.
 *  - default: beam search, 3 beams, maxLength 20, minLength 5 (BLIP's COCO evaluation; both
 *    lengths count the 4 prompt tokens, as Hugging Face's generate that BLIP calls);
 *  - `sample: true`: nucleus sampling with topP 0.9 and repetition penalty 1.1, as CapFilt makes
 *    its synthetic captions (diverse captions bootstrap better despite more noise). BLIP left
 *    Hugging Face's default top-k 50 in place there, so Glimpse does too.
 */
import { noGrad, type Variable } from '@glimpse/autograd';
import { fromArray, type RandomOptions, type Tensor } from '@glimpse/tensor';
import type { BertDecodeOptions, BertEncodeOptions } from '../tokenizers/wordpiece.js';
import { beamSearch } from './beam-search.js';
import type { DecoderCache } from './decoder.js';
import { groundedDecoder, type CrossAttentionLM } from './grounded-decoder.js';
import type { GenerationOutput } from './options.js';
import { greedySearch, sample } from './search.js';

/** BLIP's ViT as the helpers use it: pixelValues [B, 3, H, W] → lastHiddenState [B, N, D], every image token. */
export interface ImageEncoder {
  forward(pixelValues: Tensor): { lastHiddenState: Variable };
}

/** What captioning needs of a model: BlipForConditionalGeneration and BlipPretrain have it. */
export interface CaptioningModel<C extends DecoderCache = DecoderCache> {
  vision_model: ImageEncoder;
  /** Reads the image tokens through cross-attention. */
  text_decoder: CrossAttentionLM<C>;
}

/** What captioning needs of a tokenizer (BertTokenizer has it). */
export interface CaptionTokenizer {
  readonly decId: number | undefined;
  readonly sepId: number;
  readonly padId: number;
  encode(text: string, options?: BertEncodeOptions): number[];
  decode(ids: Iterable<number>, options?: BertDecodeOptions): string;
}

/** Options of `caption`. Unset ones follow BLIP for the chosen method (see the file comment). */
export interface CaptionOptions extends RandomOptions {
  /** Text the caption continues (default BLIP's "a picture of "); dropped from the result. */
  prompt?: string;
  /** Nucleus sampling instead of beam search. */
  sample?: boolean;
  /** 1 = greedy search (default 3; ignored when sampling). */
  numBeams?: number;
  /** Longest caption in tokens, [DEC] and prompt included (default 20). */
  maxLength?: number;
  /** EOS forbidden before this many tokens, [DEC] and prompt included (default 5). */
  minLength?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean | 'never';
  /** Default 1 for beam search, 1.1 for sampling. */
  repetitionPenalty?: number;
  /** Sampling only (default 0.9). */
  topP?: number;
  /** Sampling only (default 50, Hugging Face's default that BLIP's sampling kept). */
  topK?: number;
  temperature?: number;
  useCache?: boolean;
}

/** Captions with the generation details: tokens, log-probabilities (and beam scores). */
export interface CaptionResult extends GenerationOutput {
  captions: string[];
}

/** The decoder's first tokens: [DEC] then the prompt's word pieces, no [CLS]/[SEP] (BLIP's prompt ids). */
export function promptIds(tokenizer: CaptionTokenizer, prompt: string, batch: number): Tensor {
  if (tokenizer.decId === undefined) throw new Error('caption: the tokenizer has no [DEC] token (BLIP adds it after the vocabulary)');
  const ids = [tokenizer.decId, ...tokenizer.encode(prompt, { addSpecialTokens: false })];
  const data = new Int32Array(batch * ids.length);
  for (let b = 0; b < batch; b++) data.set(ids, b * ids.length);
  return fromArray(data, [batch, ids.length]);
}

/** Like `caption`, with the generation output beside the texts. */
export function captionWithDetails(model: CaptioningModel, pixelValues: Tensor, tokenizer: CaptionTokenizer, options: CaptionOptions = {}): CaptionResult {
  const { prompt = 'a picture of ', sample: doSample = false, numBeams = 3, maxLength = 20, minLength = 5, useCache } = options;
  return noGrad(() => {
    const images = model.vision_model.forward(pixelValues).lastHiddenState;
    const decoder = groundedDecoder(model.text_decoder, images);
    const start = promptIds(tokenizer, prompt, images.shape[0]!);
    const shared = { maxLength, minLength, eosTokenId: tokenizer.sepId, padTokenId: tokenizer.padId, useCache };
    let out: GenerationOutput;
    if (doSample) {
      const { topP = 0.9, topK = 50, temperature = 1, repetitionPenalty = 1.1, seed, generator } = options;
      out = sample(decoder, start, { ...shared, topP, topK, temperature, repetitionPenalty, seed, generator });
    } else if (numBeams === 1) {
      out = greedySearch(decoder, start, { ...shared, repetitionPenalty: options.repetitionPenalty ?? 1 });
    } else {
      const { lengthPenalty, earlyStopping, repetitionPenalty = 1 } = options;
      out = beamSearch(decoder, start, { ...shared, numBeams, lengthPenalty, earlyStopping, repetitionPenalty });
    }
    const captions = out.tokens.map((t) => tokenizer.decode(t, { skipSpecialTokens: true, cleanUpTokenizationSpaces: true }));
    return { ...out, captions };
  });
}

/** Captions for pixelValues [B, 3, H, W], one per image, without the prompt (BLIP's `generate`). */
export function caption(model: CaptioningModel, pixelValues: Tensor, tokenizer: CaptionTokenizer, options: CaptionOptions = {}): string[] {
  return captionWithDetails(model, pixelValues, tokenizer, options).captions;
}
