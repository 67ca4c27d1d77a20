/**
 * BLIP's text side, "MED" (multimodal mixture of encoder-decoder): a BERT with post-LN layers
 * (nn/bert-layer.ts), each with a cross-attention to the image tokens between self-attention and
 * the feed-forward. Hugging Face names (BlipTextModel): `embeddings.{word_embeddings,
 * position_embeddings, LayerNorm}`, `encoder.layer.N.…` (BERT's `layer`, singular).
 *
 * One set of layers, three modes:
 *   'text'        bidirectional self-attention only (cross-attention skipped) → [CLS] for ITC
 *   'multimodal'  bidirectional, + cross-attention to the image (first token [ENC]) → ITM head
 *   'decoder'     causal self-attention + cross-attention (first token [DEC]) → LM head
 *
 * Masks: HF adds (1 − mask)·−10000 to the scores; Glimpse gives hidden keys exactly zero weight
 * (nn/attention-mask.ts). exp(−10000) is 0 in float32 and float64 alike, so the two agree.
 */
import { Variable } from '@glimpse/autograd';
import { arange, where, type Tensor } from '@glimpse/tensor';
import type { AttentionMask } from '../nn/attention-mask.js';
import { BertLayer, type BertLayerCache } from '../nn/bert-layer.js';
import { Dropout } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import type { InitOptions } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module } from '../nn/module.js';
import { bertLayerConfig, type BlipTextConfig } from './config.js';

/**
 * Which of the MED's three uses a forward pass is (see the top of this file): 'text' (unimodal
 * encoder), 'multimodal' (image-grounded encoder) or 'decoder' (causal, image-grounded).
 */
export type BlipTextMode = 'text' | 'multimodal' | 'decoder';

/** word + absolute position embeddings → LayerNorm → dropout (no token types). */
export class BlipTextEmbeddings extends Module {
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(readonly config: BlipTextConfig, opts: InitOptions = {}) {
    super();
    const { vocab_size, hidden_size: D, max_position_embeddings, layer_norm_eps, hidden_dropout_prob, pad_token_id } = config;
    // padding_idx as HF: the [PAD] row gets no gradient from the lookup.
    this.word_embeddings = new Embedding(vocab_size, D, { ...opts, paddingIdx: pad_token_id });
    this.position_embeddings = new Embedding(max_position_embeddings, D, opts);
    this.LayerNorm = new LayerNorm(D, layer_norm_eps, opts);
    this.dropout = Dropout.seeded(hidden_dropout_prob, opts);
  }

  /** ids [B, T] → [B, T, D]; positions start at `past` (the tokens already in a KV cache). */
  forward(inputIds: Tensor, past = 0): Variable {
    const T = inputIds.shape[1]!;
    const max = this.config.max_position_embeddings;
    if (past + T > max) throw new Error(`BlipTextEmbeddings: positions up to ${past + T} exceed max_position_embeddings ${max}`);
    const positions = arange(past, past + T, { dtype: 'int32', backend: inputIds.backend.name });
    const h = this.word_embeddings.forward(inputIds).add(this.position_embeddings.forward(positions));
    return this.dropout.forward(this.LayerNorm.forward(h));
  }
}

/** HF BlipTextEncoder: the stack `layer.N`. */
export class BlipTextEncoder extends Module {
  layer: BertLayer[];

  constructor(config: BlipTextConfig, opts: InitOptions = {}) {
    super();
    this.layer = Array.from({ length: config.num_hidden_layers }, () => new BertLayer(bertLayerConfig(config), opts));
  }
}

/** Decoding state of a whole text model: one self/cross cache pair per layer (nn/kv-cache.ts). */
export class BlipTextCache {
  readonly layers: BertLayerCache[];

  constructor(numLayers: number) {
    this.layers = Array.from({ length: numLayers }, () => BertLayer.newCache());
  }

  /** Tokens already decoded (cached self-attention positions). */
  get length(): number {
    return this.layers[0]?.self.length ?? 0;
  }

  /** Keeps batch rows `index` (int32) in that order: beam search's surviving hypotheses. */
  reorder(index: Tensor): void {
    for (const { self, cross } of this.layers) {
      self.reorder(index);
      cross.reorder(index);
    }
  }
}

/** Options of BlipTextModel.forward: the mode, the masks, the image tokens to cross-attend to and a decoding cache. */
export interface BlipTextForwardOptions {
  /** Default 'text'. */
  mode?: BlipTextMode;
  /** [B, T] (1 = token, 0 = padding); with a cache, [B, past + T] covering the cached tokens too. */
  attentionMask?: AttentionMask;
  /** Image tokens [B, N, encoder_hidden_size] (the ViT's lastHiddenState) for 'multimodal' / 'decoder'. */
  encoderHidden?: Variable;
  /** Padding of the image tokens [B, N] (default: all real). */
  encoderMask?: AttentionMask;
  /** 'decoder' only: keys/values of earlier steps; filled in place. */
  cache?: BlipTextCache;
  /** Also return the embeddings and every layer's output (`hiddenStates`). */
  outputHiddenStates?: boolean;
}

/** What BlipTextModel.forward returns: the last layer's hidden states, and every layer's when asked for. */
export interface BlipTextOutput {
  /** [B, T, hidden_size] */
  lastHiddenState: Variable;
  /** The embeddings and each layer's output, when asked for. */
  hiddenStates?: Variable[];
}

/** HF BlipTextModel without the pooler (add_pooling_layer=False, as every BLIP head uses it). */
export class BlipTextModel extends Module {
  embeddings: BlipTextEmbeddings;
  encoder: BlipTextEncoder;

  constructor(readonly config: BlipTextConfig, opts: InitOptions = {}) {
    super();
    this.embeddings = new BlipTextEmbeddings(config, opts);
    this.encoder = new BlipTextEncoder(config, opts);
  }

  newCache(): BlipTextCache {
    return new BlipTextCache(this.encoder.layer.length);
  }

  forward(inputIds: Tensor, opts: BlipTextForwardOptions = {}): BlipTextOutput {
    const { mode = 'text', attentionMask, encoderHidden, encoderMask, cache, outputHiddenStates } = opts;
    const where = `BlipTextModel(${mode})`;
    if (inputIds.dtype !== 'int32' || inputIds.rank !== 2) throw new Error(`${where}: inputIds must be int32 [batch, tokens], got ${inputIds.dtype} [${inputIds.shape.join(',')}]`);
    if (mode === 'text' && encoderHidden) throw new Error(`${where}: text mode reads no image; use mode 'multimodal' or 'decoder' with encoderHidden`);
    const crossCached = (cache?.length ?? 0) > 0;
    if (mode === 'multimodal' && !encoderHidden) throw new Error(`${where}: needs encoderHidden (the image tokens)`);
    if (mode === 'decoder' && !encoderHidden && !crossCached) throw new Error(`${where}: needs encoderHidden (the image tokens) on the first step`);
    if (cache && mode !== 'decoder') throw new Error(`${where}: a KV cache is for mode 'decoder' only`);
    const past = cache?.length ?? 0;
    let h = this.embeddings.forward(inputIds, past);
    const hiddenStates = outputHiddenStates ? [h] : undefined;
    const causal = mode === 'decoder';
    this.encoder.layer.forEach((layer, i) => {
      h = layer.forward(h, {
        attentionMask,
        causal,
        encoderHidden: mode === 'text' ? undefined : encoderHidden,
        encoderMask,
        cache: cache?.layers[i],
      });
      hiddenStates?.push(h);
    });
    return { lastHiddenState: h, ...(hiddenStates ? { hiddenStates } : {}) };
  }
}

/**
 * Points `decoder` at the encoder's parameters everywhere except the self-attention, as BLIP
 * pre-training ties its decoder (the original's tie_encoder_decoder_weights skipping '/attention'):
 * embeddings, cross-attention and feed-forward are the *same Module objects*, so they share
 * parameters by reference and their gradients add up; each side keeps its own `attention`.
 */
export function shareAllButSelfAttention(decoder: BlipTextModel, encoder: BlipTextModel): void {
  if (decoder.encoder.layer.length !== encoder.encoder.layer.length) {
    throw new Error(`shareAllButSelfAttention: ${decoder.encoder.layer.length} decoder layers vs ${encoder.encoder.layer.length} encoder layers`);
  }
  decoder.embeddings = encoder.embeddings;
  decoder.encoder.layer.forEach((layer, i) => {
    const source = encoder.encoder.layer[i]!;
    layer.crossattention = source.crossattention;
    layer.intermediate = source.intermediate;
    layer.output = source.output;
  });
}

/** Replaces the first token of every row (BLIP's [ENC] for ITM, [DEC] for the decoder). */
export function withFirstToken(inputIds: Tensor, id: number): Tensor {
  const first = arange(inputIds.shape[1]!, { dtype: 'int32', backend: inputIds.backend.name }).eq(0);
  return where(first, id, inputIds).to('int32');
}
