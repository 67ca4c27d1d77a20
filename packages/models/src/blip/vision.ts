/**
 * BLIP's image encoder: the shared VisionTransformer in its 'timm' layout (patch conv with bias,
 * no ln_pre, final LayerNorm on every token) whose blocks use a fused-qkv self-attention, named as
 * Hugging Face's BlipAttention:
 *
 *   self_attn.qkv        Linear(D, 3D) with bias: [q | k | v] side by side in the output
 *   self_attn.projection Linear(D, D)
 *
 * The attention itself is nn/attention.ts's multiHeadAttention, as everywhere else.
 */
import type { Variable } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import type { AttentionMask } from '../nn/attention-mask.js';
import { checkWidth, multiHeadAttention } from '../nn/attention.js';
import { Dropout } from '../nn/dropout.js';
import type { InitOptions } from '../nn/init.js';
import type { KVCache } from '../nn/kv-cache.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { SelfAttention } from '../nn/pre-ln-block.js';
import { VisionTransformer, type VisionOutput } from '../vision/vision-transformer.js';
import { visionTransformerConfig, type BlipVisionConfig } from './config.js';

/** HF BlipAttention: one Linear makes q, k and v at once; `projection` mixes the heads back. */
export class BlipVisionAttention extends Module implements SelfAttention {
  qkv: Linear;
  projection: Linear;
  dropout: Dropout;
  private readonly name: string;

  constructor(readonly dim: number, readonly numHeads: number, opts: InitOptions & { dropout?: number } = {}) {
    super();
    if (!(Number.isInteger(numHeads) && numHeads > 0 && dim % numHeads === 0)) throw new Error(`BlipVisionAttention: width ${dim} is not divisible into ${numHeads} heads`);
    this.qkv = new Linear(dim, 3 * dim, opts);
    this.projection = new Linear(dim, dim, opts);
    this.dropout = Dropout.seeded(opts.dropout ?? 0, opts);
    this.name = `BlipVisionAttention(dim ${dim}, ${numHeads} heads)`;
  }

  /** x [B, T, D] → [B, T, D]. HF reshapes qkv to [B, T, 3, H, dh]: columns [0, D) are q, [D, 2D) k, [2D, 3D) v. */
  forward(x: Variable, opts: { mask?: AttentionMask; causal?: boolean; cache?: KVCache } = {}): Variable {
    checkWidth(this.name, 'input', x, this.dim);
    const D = this.dim;
    const [q, k, v] = this.qkv.forward(x).split([D, D, D], -1) as [Variable, Variable, Variable];
    const { output } = multiHeadAttention(q, k, v, { ...opts, numHeads: this.numHeads, dropout: this.dropout, name: this.name });
    return this.projection.forward(output);
  }
}

/**
 * HF BlipVisionModel: `embeddings`, `encoder.layers.N.{layer_norm1, self_attn.{qkv, projection},
 * layer_norm2, mlp.{fc1, fc2}}`, `post_layernorm`.
 *
 * Pooling, exactly as HF: `lastHiddenState` = post_layernorm(every token); HF's `pooler_output`
 * applies post_layernorm *again* to the [CLS] row of that, so `pooled` here is
 * post_layernorm(post_layernorm(h)[:, 0]). BLIP's own heads (ITC's vision_proj, ITM and the
 * decoder's cross-attention) never read the pooler output: they use `lastHiddenState` and its
 * [CLS] row `lastHiddenState[:, 0]` (normalised once), as the original BLIP does.
 */
export class BlipVisionModel extends VisionTransformer {
  constructor(readonly blipConfig: BlipVisionConfig, opts: InitOptions = {}) {
    super(visionTransformerConfig(blipConfig), {
      ...opts,
      layout: 'timm',
      selfAttn: () => new BlipVisionAttention(blipConfig.hidden_size, blipConfig.num_attention_heads, { ...opts, dropout: blipConfig.attention_dropout }),
    });
  }

  override forward(pixelValues: Tensor | Variable, opts: { outputHiddenStates?: boolean } = {}): VisionOutput {
    const out = super.forward(pixelValues, opts);
    return { ...out, pooled: this.post_layernorm.forward(out.pooled) };
  }
}
