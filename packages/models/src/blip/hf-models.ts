/**
 * Hugging Face's BLIP heads, loading and saving HF checkpoint directories (config.json +
 * model.safetensors) and reproducing HF's forward passes — including where HF differs from the
 * original BLIP (REFERENCE.md, "Where Hugging Face and the original differ"):
 *
 *  - BlipForImageTextRetrieval feeds `input_ids` to the image-grounded encoder unchanged, so ITM
 *    reads whatever token is first (the tokenizer's [CLS]); the original BLIP puts [ENC] there.
 *    Pass `firstTokenId: 30523` to get the original behaviour.
 *  - BlipForConditionalGeneration.forward does not overwrite the first id with [DEC] (only
 *    generation starts from it); labels are used as given (pads must already be -100); the LM loss
 *    smooths with `text_config.label_smoothing` (0 by default in current HF; older HF fixed 0.1,
 *    BLIP pre-training uses 0.1 — see BlipPretrain).
 *  - HF's vision pooler output applies post_layernorm twice (see BlipVisionModel); these heads,
 *    like HF's, read `last_hidden_state` instead.
 * Every eps and size comes from config.json.
 */
import { Variable } from '@glimpse/autograd';
import { Generator, type DType, type Tensor } from '@glimpse/tensor';
import { l2Normalize } from '../clip/clip-model.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { blipConfig, type BlipConfig, type PartialBlipConfig } from './config.js';
import { initBertWeights, initBlipVision } from './init.js';
import { BlipTextLMHeadModel } from './text-decoder.js';
import { BlipTextModel, withFirstToken, type BlipTextCache } from './text-model.js';
import { BlipVisionModel } from './vision.js';
import { loadSharedStateDict, readCheckpointConfig, readCheckpointWeights, writeCheckpoint } from './weights.js';

/** How a fresh BLIP head model is built: the seed of its initialisation and its parameter dtype. */
export interface BlipModelOptions {
  /** Seed of a fresh model's initialisation (default 0). */
  seed?: number;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

async function loadInto<M extends Module>(location: string, make: (config: BlipConfig) => M, name: string): Promise<M> {
  const config = blipConfig(await readCheckpointConfig<PartialBlipConfig>(location));
  const model = make(config);
  try {
    loadSharedStateDict(model, await readCheckpointWeights(location), name);
  } catch (e) {
    throw new Error(`${name}.fromPretrained(${location}): ${(e as Error).message}`);
  }
  return model;
}

const initOf = (opts: BlipModelOptions) => ({ generator: new Generator(opts.seed ?? 0), dtype: opts.dtype ?? 'float32' });

/** Inputs of BlipForImageTextRetrieval.forward: images, tokenized texts and which score to compute. */
export interface BlipRetrievalInputs {
  /** Preprocessed images [B, 3, H, W]. */
  pixelValues: Tensor | Variable;
  /** Token ids [B, T] (int32), as the tokenizer gives them. */
  inputIds: Tensor;
  /** [B, T] (1 = token, 0 = padding). */
  attentionMask?: Tensor;
  /** true (default): ITM logits [B, 2] for the pairs (image b, text b); false: ITC cosine [images, texts]. */
  useItmHead?: boolean;
  /** Replaces the first token before ITM (the original BLIP's [ENC] = 30523); HF leaves the ids as they are. */
  firstTokenId?: number;
}

/** What BlipForImageTextRetrieval.forward returns: the score (ITM logits or ITC cosines) and the hidden states it came from. */
export interface BlipRetrievalOutput {
  /** ITM logits [B, 2] (index 1 = match), or cosine similarities [images, texts]. */
  itmScore: Variable;
  /** The ViT's last_hidden_state [B, N, D]. */
  imageEmbeds: Variable;
  /** The text encoder's last hidden state [B, T, hidden]. */
  questionEmbeds: Variable;
}

/** HF BlipForImageTextRetrieval: ViT, text encoder (with cross-attention), ITC projections and the ITM head. */
export class BlipForImageTextRetrieval extends Module {
  vision_model: BlipVisionModel;
  text_encoder: BlipTextModel;
  vision_proj: Linear;
  text_proj: Linear;
  itm_head: Linear;

  constructor(readonly config: BlipConfig, opts: BlipModelOptions = {}) {
    super();
    const init = initOf(opts);
    const { vision_config: v, text_config: t, image_text_hidden_size: E } = config;
    this.vision_model = new BlipVisionModel(v, init);
    this.text_encoder = new BlipTextModel(t, init);
    this.vision_proj = new Linear(v.hidden_size, E, init);
    this.text_proj = new Linear(t.hidden_size, E, init);
    this.itm_head = new Linear(t.hidden_size, 2, init);
    initBlipVision(this.vision_model, init);
    initBertWeights(this.text_encoder, init);
  }

  static create(config: PartialBlipConfig = {}, opts: BlipModelOptions = {}): BlipForImageTextRetrieval {
    return new BlipForImageTextRetrieval(blipConfig(config), opts);
  }

  /** Loads an HF BLIP retrieval directory (path or URL) strictly; eps and sizes from its config.json. */
  static async fromPretrained(location: string, opts: { dtype?: DType } = {}): Promise<BlipForImageTextRetrieval> {
    return loadInto(location, (c) => new BlipForImageTextRetrieval(c, opts), 'BlipForImageTextRetrieval');
  }

  async savePretrained(dir: string): Promise<void> {
    await writeCheckpoint(dir, this.config, this);
  }

  forward(inputs: BlipRetrievalInputs): BlipRetrievalOutput {
    const { pixelValues, attentionMask, useItmHead = true, firstTokenId } = inputs;
    const imageEmbeds = this.vision_model.forward(pixelValues).lastHiddenState;
    if (useItmHead) {
      const ids = firstTokenId === undefined ? inputs.inputIds : withFirstToken(inputs.inputIds, firstTokenId);
      const questionEmbeds = this.text_encoder.forward(ids, { mode: 'multimodal', attentionMask, encoderHidden: imageEmbeds }).lastHiddenState;
      return { itmScore: this.itm_head.forward(questionEmbeds.select(1, 0)), imageEmbeds, questionEmbeds };
    }
    const questionEmbeds = this.text_encoder.forward(inputs.inputIds, { mode: 'text', attentionMask }).lastHiddenState;
    const imageFeat = l2Normalize(this.vision_proj.forward(imageEmbeds.select(1, 0)));
    const textFeat = l2Normalize(this.text_proj.forward(questionEmbeds.select(1, 0)));
    return { itmScore: imageFeat.matmul(textFeat.transpose()), imageEmbeds, questionEmbeds };
  }
}

/** Inputs of BlipForConditionalGeneration.forward: images, decoder ids and optional LM labels. */
export interface BlipCaptioningInputs {
  /** Preprocessed images [B, 3, H, W]. */
  pixelValues: Tensor | Variable;
  /** Decoder ids [B, T], used as given (start them with [DEC] = bos_token_id, as HF's generate does). */
  inputIds: Tensor;
  attentionMask?: Tensor;
  /** Targets aligned with inputIds (-100 = ignored); the loss shifts them by one. */
  labels?: Tensor;
}

/** What BlipForConditionalGeneration.forward returns: the decoder's logits, the LM loss when labels were given, and the image tokens. */
export interface BlipCaptioningOutput {
  /** [B, T, vocab] */
  logits: Variable;
  /** Scalar LM loss, present only when `labels` were given. */
  loss?: Variable;
  /** The ViT's last_hidden_state [B, N, D]. */
  imageEmbeds: Variable;
}

/** HF BlipForConditionalGeneration: ViT + image-grounded causal decoder with its LM head. */
export class BlipForConditionalGeneration extends Module {
  vision_model: BlipVisionModel;
  text_decoder: BlipTextLMHeadModel;

  constructor(readonly config: BlipConfig, opts: BlipModelOptions = {}) {
    super();
    const init = initOf(opts);
    this.vision_model = new BlipVisionModel(config.vision_config, init);
    this.text_decoder = new BlipTextLMHeadModel(config.text_config, init);
    initBlipVision(this.vision_model, init);
    initBertWeights(this.text_decoder, init);
  }

  static create(config: PartialBlipConfig = {}, opts: BlipModelOptions = {}): BlipForConditionalGeneration {
    return new BlipForConditionalGeneration(blipConfig(config), opts);
  }

  /** Loads an HF BLIP captioning directory (path or URL); tied LM-head names may be present or absent. */
  static async fromPretrained(location: string, opts: { dtype?: DType } = {}): Promise<BlipForConditionalGeneration> {
    return loadInto(location, (c) => new BlipForConditionalGeneration(c, opts), 'BlipForConditionalGeneration');
  }

  async savePretrained(dir: string): Promise<void> {
    await writeCheckpoint(dir, this.config, this);
  }

  /** The image tokens the decoder cross-attends to: the ViT's last_hidden_state [B, N, D]. */
  encodeImage(pixelValues: Tensor | Variable): Variable {
    return this.vision_model.forward(pixelValues).lastHiddenState;
  }

  forward(inputs: BlipCaptioningInputs): BlipCaptioningOutput {
    const imageEmbeds = this.encodeImage(inputs.pixelValues);
    const out = this.text_decoder.forward(inputs.inputIds, {
      attentionMask: inputs.attentionMask,
      encoderHidden: imageEmbeds,
      labels: inputs.labels,
    });
    return { logits: out.logits, ...(out.loss ? { loss: out.loss } : {}), imageEmbeds };
  }

  /** Decoding for generation: see BlipTextLMHeadModel.step. */
  newCache(): BlipTextCache {
    return this.text_decoder.newCache();
  }

  step(inputIds: Tensor, cache: BlipTextCache, opts: { encoderHidden?: Variable; attentionMask?: Tensor } = {}): Variable {
    return this.text_decoder.step(inputIds, cache, opts);
  }
}
