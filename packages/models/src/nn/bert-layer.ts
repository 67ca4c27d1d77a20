/**
 * The post-LN BERT layer as BLIP's text encoder/decoder ("MED") uses it, with Hugging Face
 * names (`encoder.layer.N.…`):
 *
 *   h = attention.output.LayerNorm(h + dropout(attention.output.dense(attention.self(h))))
 *   h = crossattention.output.LayerNorm(h + dropout(dense(crossattention.self(h, image))))   (optional)
 *   h = output.LayerNorm(h + dropout(output.dense(act(intermediate.dense(h)))))
 *
 * Cross-attention sits between self-attention and the feed-forward, queries from the text and
 * keys/values from the image tokens (width `encoder_width`). It runs only when encoder states
 * (or a filled cross cache) are given, so one layer serves BLIP's text-only and image-grounded modes.
 */
import type { Variable } from '@glimpse/autograd';
import { activation, type Activation } from './activation.js';
import type { AttentionMask } from './attention-mask.js';
import { checkWidth, multiHeadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import type { InitOptions } from './init.js';
import { KVCache } from './kv-cache.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/** The fields of a Hugging Face BERT / BLIP text config that one layer reads. */
export interface BertLayerConfig {
  hidden_size: number;
  num_attention_heads: number;
  intermediate_size: number;
  /** Default 'gelu' (exact). */
  hidden_act?: string;
  /** Default 1e-12. */
  layer_norm_eps?: number;
  /** Dropout after each dense projection, default 0.1. */
  hidden_dropout_prob?: number;
  /** Dropout on the attention weights, default 0.1. */
  attention_probs_dropout_prob?: number;
  /** Adds `crossattention` (BLIP's image-grounded encoder and decoder). */
  add_cross_attention?: boolean;
  /** Width of the encoder states cross-attention reads (default hidden_size). */
  encoder_width?: number;
}

/** A BertLayerConfig with every default filled in. */
export type ResolvedBertLayerConfig = Required<BertLayerConfig>;

/** Fills a BertLayerConfig's defaults (gelu, eps 1e-12, dropouts 0.1, no cross-attention, encoder_width = hidden_size). */
export function resolveBertLayerConfig(c: BertLayerConfig): ResolvedBertLayerConfig {
  return {
    ...c,
    hidden_act: c.hidden_act ?? 'gelu',
    layer_norm_eps: c.layer_norm_eps ?? 1e-12,
    hidden_dropout_prob: c.hidden_dropout_prob ?? 0.1,
    attention_probs_dropout_prob: c.attention_probs_dropout_prob ?? 0.1,
    add_cross_attention: c.add_cross_attention ?? false,
    encoder_width: c.encoder_width ?? c.hidden_size,
  };
}

/** HF BertSelfAttention: query/key/value projections and the attention; no output projection. */
export class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  dropout: Dropout;
  private readonly name: string;

  constructor(readonly config: ResolvedBertLayerConfig, readonly kvWidth: number, opts: InitOptions = {}) {
    super();
    const { hidden_size: D, num_attention_heads: H } = config;
    if (!(Number.isInteger(H) && H > 0 && D % H === 0)) throw new Error(`BertSelfAttention: hidden_size ${D} is not divisible into ${H} heads`);
    this.query = new Linear(D, D, opts);
    this.key = new Linear(kvWidth, D, opts);
    this.value = new Linear(kvWidth, D, opts);
    this.dropout = Dropout.seeded(config.attention_probs_dropout_prob, opts);
    this.name = kvWidth === D ? `BertSelfAttention(hidden ${D}, ${H} heads)` : `BertSelfAttention(cross, hidden ${D}, encoder_width ${kvWidth}, ${H} heads)`;
  }

  /** `context` (default: hidden itself) supplies keys/values; not needed once a cross cache is frozen. */
  forward(hidden: Variable, opts: { context?: Variable; mask?: AttentionMask; causal?: boolean; cache?: KVCache } = {}): Variable {
    const { context, cache, ...rest } = opts;
    let k: Variable | undefined;
    let v: Variable | undefined;
    if (!cache?.frozen) {
      const source = context ?? hidden;
      checkWidth(this.name, context ? 'encoder states' : 'input', source, this.kvWidth);
      k = this.key.forward(source);
      v = this.value.forward(source);
    }
    const q = this.query.forward(hidden);
    return multiHeadAttention(q, k, v, { ...rest, cache, numHeads: this.config.num_attention_heads, dropout: this.dropout, name: this.name }).output;
  }
}

/** HF BertSelfOutput and BertOutput (same shape, two names): LayerNorm(residual + dropout(dense(x))). */
export class BertOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(inWidth: number, config: ResolvedBertLayerConfig, opts: InitOptions = {}) {
    super();
    this.dense = new Linear(inWidth, config.hidden_size, opts);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps, opts);
    this.dropout = Dropout.seeded(config.hidden_dropout_prob, opts);
  }

  forward(x: Variable, residual: Variable): Variable {
    return this.LayerNorm.forward(residual.add(this.dropout.forward(this.dense.forward(x))));
  }
}

/** HF BertAttention: `self` (the attention) + `output` (projection, residual, LayerNorm). */
export class BertAttention extends Module {
  self: BertSelfAttention;
  output: BertOutput;

  constructor(config: ResolvedBertLayerConfig, kvWidth: number, opts: InitOptions = {}) {
    super();
    this.self = new BertSelfAttention(config, kvWidth, opts);
    this.output = new BertOutput(config.hidden_size, config, opts);
  }

  forward(hidden: Variable, opts: { context?: Variable; mask?: AttentionMask; causal?: boolean; cache?: KVCache } = {}): Variable {
    return this.output.forward(this.self.forward(hidden, opts), hidden);
  }
}

/** HF BertIntermediate: dense (hidden → intermediate) + activation. */
export class BertIntermediate extends Module {
  dense: Linear;
  private readonly act: Activation;

  constructor(config: ResolvedBertLayerConfig, opts: InitOptions = {}) {
    super();
    this.dense = new Linear(config.hidden_size, config.intermediate_size, opts);
    this.act = activation(config.hidden_act);
  }

  forward(x: Variable): Variable {
    return this.act(this.dense.forward(x));
  }
}

/** Per-layer decoding state: self-attention keys/values grow; cross-attention ones are computed once. */
export interface BertLayerCache {
  self: KVCache;
  cross: KVCache;
}

/** Per-call options of `BertLayer.forward`: self-attention mask, causal (decoder) mode, the image tokens for cross-attention with their mask, and the KV caches. */
export interface BertLayerForwardOptions {
  /** bool/int32 [B, T] (1 = real token) or an additive float mask, see AttentionMask. */
  attentionMask?: AttentionMask;
  /** Decoder mode: token i attends to tokens ≤ i. */
  causal?: boolean;
  /** Image tokens [B, Tenc, encoder_width] for cross-attention. */
  encoderHidden?: Variable;
  /** Padding mask of the encoder states [B, Tenc]. */
  encoderMask?: AttentionMask;
  cache?: BertLayerCache;
}

export class BertLayer extends Module {
  attention: BertAttention;
  crossattention: BertAttention | undefined;
  intermediate: BertIntermediate;
  output: BertOutput;
  readonly config: ResolvedBertLayerConfig;

  constructor(config: BertLayerConfig, opts: InitOptions = {}) {
    super();
    this.config = resolveBertLayerConfig(config);
    const c = this.config;
    this.attention = new BertAttention(c, c.hidden_size, opts);
    this.crossattention = c.add_cross_attention ? new BertAttention(c, c.encoder_width, opts) : undefined;
    this.intermediate = new BertIntermediate(c, opts);
    this.output = new BertOutput(c.intermediate_size, c, opts);
  }

  /** A fresh cache for token-by-token decoding with this layer. */
  static newCache(): BertLayerCache {
    return { self: new KVCache('self'), cross: new KVCache('cross') };
  }

  /** hidden [B, T, hidden_size] → same shape. */
  forward(hidden: Variable, opts: BertLayerForwardOptions = {}): Variable {
    const { attentionMask, causal, encoderHidden, encoderMask, cache } = opts;
    const D = this.config.hidden_size;
    if (hidden.rank !== 3 || hidden.shape[2] !== D) throw new Error(`BertLayer(hidden ${D}): input must be [batch, tokens, ${D}], got [${hidden.shape.join(',')}]`);
    let h = this.attention.forward(hidden, { mask: attentionMask, causal, cache: cache?.self });
    const crossReady = encoderHidden !== undefined || (cache?.cross.frozen ?? false);
    if (crossReady) {
      if (!this.crossattention) {
        throw new Error(`BertLayer(hidden ${D}): encoder states [${encoderHidden?.shape.join(',') ?? ''}] given, but this layer has no cross-attention (add_cross_attention: false)`);
      }
      h = this.crossattention.forward(h, { context: encoderHidden, mask: encoderMask, cache: cache?.cross });
    }
    return this.output.forward(this.intermediate.forward(h), h);
  }
}
