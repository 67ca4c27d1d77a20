/**
 * The pre-LN transformer block of CLIP (both towers) and ViT, with Hugging Face CLIP names
 * (`encoder.layers.N.{layer_norm1, self_attn, layer_norm2, mlp}`):
 *
 *   x = x + self_attn(layer_norm1(x))
 *   x = x + mlp(layer_norm2(x))
 *
 * Normalising before each sub-layer keeps the residual stream an untouched sum, which is what
 * lets these stacks train without warm-up tricks (unlike BERT's post-LN, see bert-layer.ts).
 */
import type { Variable } from '@glimpse/autograd';
import type { AttentionMask } from './attention-mask.js';
import { Attention } from './attention.js';
import type { InitOptions } from './init.js';
import type { KVCache } from './kv-cache.js';
import { LayerNorm } from './layer-norm.js';
import { MLP } from './mlp.js';
import { Module } from './module.js';

/** The fields of a Hugging Face CLIP vision/text config that one block reads. */
export interface PreLNBlockConfig {
  hidden_size: number;
  num_attention_heads: number;
  intermediate_size: number;
  /** Default 'quick_gelu' (OpenAI CLIP). */
  hidden_act?: string;
  /** Default 1e-5 (CLIP); BLIP's ViT uses 1e-6 in the original, read it from config.json. */
  layer_norm_eps?: number;
  /** Dropout on the attention weights, default 0. */
  attention_dropout?: number;
}

/** What the block needs from its self-attention, so BLIP's fused-qkv attention can stand in. */
export interface SelfAttention extends Module {
  forward(x: Variable, opts: { mask?: AttentionMask; causal?: boolean; cache?: KVCache }): Variable;
}

/** Options of `PreLNBlock`: q/k/v biases, a replacement self-attention module, and initialisation. */
export interface PreLNBlockOptions extends InitOptions {
  /** Biases on q/k/v (default true). */
  qkvBias?: boolean;
  /** Replaces the default CLIP-named `Attention` (e.g. BLIP's `qkv` + `projection`). */
  selfAttn?: SelfAttention;
}

export class PreLNBlock extends Module {
  layer_norm1: LayerNorm;
  self_attn: SelfAttention;
  layer_norm2: LayerNorm;
  mlp: MLP;

  constructor(readonly config: PreLNBlockConfig, opts: PreLNBlockOptions = {}) {
    super();
    const { hidden_size: D, num_attention_heads: H, intermediate_size, hidden_act = 'quick_gelu', layer_norm_eps = 1e-5 } = config;
    this.layer_norm1 = new LayerNorm(D, layer_norm_eps, opts);
    this.self_attn = opts.selfAttn ?? new Attention(D, H, { ...opts, dropout: config.attention_dropout ?? 0 });
    this.layer_norm2 = new LayerNorm(D, layer_norm_eps, opts);
    this.mlp = new MLP(D, intermediate_size, hidden_act, opts);
  }

  /** x [B, T, hidden_size] → same shape. `cache` is for causal decoding (self-attention keys/values). */
  forward(x: Variable, opts: { mask?: AttentionMask; causal?: boolean; cache?: KVCache } = {}): Variable {
    const D = this.config.hidden_size;
    if (x.rank !== 3 || x.shape[2] !== D) throw new Error(`PreLNBlock(hidden ${D}): input must be [batch, tokens, ${D}], got [${x.shape.join(',')}]`);
    const h = x.add(this.self_attn.forward(this.layer_norm1.forward(x), opts));
    return h.add(this.mlp.forward(this.layer_norm2.forward(h)));
  }
}
