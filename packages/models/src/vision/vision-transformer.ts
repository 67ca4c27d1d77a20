import { Variable } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import { Encoder } from '../nn/encoder.js';
import type { InitOptions } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module } from '../nn/module.js';
import { PreLNBlock, type PreLNBlockConfig, type SelfAttention } from '../nn/pre-ln-block.js';
import { VisionEmbeddings, type VisionEmbeddingsConfig, type VisionLayout } from './vision-embeddings.js';

export interface VisionTransformerConfig extends VisionEmbeddingsConfig, PreLNBlockConfig {
  num_hidden_layers: number;
  layer_norm_eps: number;
}

/** Options of `VisionTransformer`: the checkpoint layout ('clip' or 'timm'), an optional self-attention builder, and initialisation. */
export interface VisionTransformerOptions extends InitOptions {
  /** 'clip': ln_pre, final norm on [CLS] only. 'timm' (BLIP): no ln_pre, final norm on every token. */
  layout: VisionLayout;
  /** Builds each block's self-attention (BLIP's fused qkv); default: the CLIP-named Attention. */
  selfAttn?: (layer: number) => SelfAttention;
}

/** What `VisionTransformer.forward` returns: every token's state [B, N+1, D], the pooled [CLS] state [B, D], and optionally every layer's states. */
export interface VisionOutput {
  /** Every token's final hidden state [B, N+1, D] (CLIP: before post_layernorm; timm: after). */
  lastHiddenState: Variable;
  /** The [CLS] summary [B, D] after the final norm. */
  pooled: Variable;
  /** The embeddings and each layer's output, when asked for. */
  hiddenStates?: Variable[];
}

/**
 * The Vision Transformer shared by CLIP and BLIP: patches + [CLS] + positions → pre-LN blocks →
 * a final LayerNorm. The two differ only in the options above (and in checkpoint names,
 * which follow from them).
 */
export class VisionTransformer extends Module {
  embeddings: VisionEmbeddings;
  pre_layrnorm: LayerNorm | undefined; // sic: Hugging Face's spelling
  encoder: Encoder<PreLNBlock>;
  post_layernorm: LayerNorm;
  readonly layout: VisionLayout;

  constructor(readonly config: VisionTransformerConfig, opts: VisionTransformerOptions) {
    super();
    const { hidden_size: D, layer_norm_eps: eps, num_hidden_layers } = config;
    const { selfAttn, layout, ...init } = opts;
    this.layout = layout;
    this.embeddings = new VisionEmbeddings(config, layout, init);
    this.pre_layrnorm = layout === 'clip' ? new LayerNorm(D, eps, init) : undefined;
    const blocks = Array.from({ length: num_hidden_layers }, (_, i) => new PreLNBlock(config, { ...init, ...(selfAttn ? { selfAttn: selfAttn(i) } : {}) }));
    this.encoder = new Encoder(blocks);
    this.post_layernorm = new LayerNorm(D, eps, init);
  }

  forward(pixelValues: Tensor | Variable, opts: { outputHiddenStates?: boolean } = {}): VisionOutput {
    const pixels = pixelValues instanceof Variable ? pixelValues : new Variable(pixelValues);
    let h = this.embeddings.forward(pixels);
    if (this.pre_layrnorm) h = this.pre_layrnorm.forward(h);
    const hiddenStates = opts.outputHiddenStates ? [h] : undefined;
    h = this.encoder.forward(h, {}, (out) => hiddenStates?.push(out));
    if (this.layout === 'clip') {
      return { lastHiddenState: h, pooled: this.post_layernorm.forward(h.select(1, 0)), ...(hiddenStates ? { hiddenStates } : {}) };
    }
    const normed = this.post_layernorm.forward(h);
    return { lastHiddenState: normed, pooled: normed.select(1, 0), ...(hiddenStates ? { hiddenStates } : {}) };
  }
}
