import { Parameter, concat, type Variable } from '@glimpse/autograd';
import { Embedding } from '../nn/embedding.js';
import { Module } from '../nn/module.js';
import { normal, type InitOptions } from '../nn/init.js';
import { PatchEmbedding } from './patch-embedding.js';

/**
 * Where a ViT's learned embeddings live, as the two checkpoint families store them:
 *  - 'clip' (OpenAI/HF CLIP): `class_embedding` [D], `position_embedding` an Embedding
 *    (key `position_embedding.weight` [N+1, D]), patch conv without bias;
 *  - 'timm' (BLIP's ViT): `class_embedding` [1, 1, D], `position_embedding` a bare parameter
 *    [1, N+1, D], patch conv with bias.
 */
export type VisionLayout = 'clip' | 'timm';

/** The fields of a vision config the embeddings need: width, channels, image size and patch size. */
export interface VisionEmbeddingsConfig {
  hidden_size: number;
  num_channels: number;
  image_size: number;
  patch_size: number;
}

/** [CLS] + one vector per patch, plus a learned position embedding: pixels [B,C,H,W] → [B, N+1, D]. */
export class VisionEmbeddings extends Module {
  class_embedding: Parameter;
  patch_embedding: PatchEmbedding;
  position_embedding: Embedding | Parameter;
  readonly numPositions: number;

  constructor(readonly config: VisionEmbeddingsConfig, readonly layout: VisionLayout, opts: InitOptions = {}) {
    super();
    const { hidden_size: D, num_channels, image_size, patch_size } = config;
    this.numPositions = (image_size / patch_size) ** 2 + 1;
    const timm = layout === 'timm';
    this.class_embedding = new Parameter(normal(timm ? [1, 1, D] : [D], 0.02, opts));
    this.patch_embedding = new PatchEmbedding(num_channels, D, patch_size, { ...opts, bias: timm });
    this.position_embedding = timm
      ? new Parameter(normal([1, this.numPositions, D], 0.02, opts))
      : new Embedding(this.numPositions, D, opts);
  }

  /** The [N+1, D] position table, whichever way it is stored. */
  get positionTable(): Variable {
    const p = this.position_embedding;
    return (p instanceof Embedding ? p.weight : p).reshape([this.numPositions, this.config.hidden_size]);
  }

  forward(pixels: Variable): Variable {
    const { hidden_size: D, image_size } = this.config;
    const [B, , H, W] = pixels.shape;
    if (H !== image_size || W !== image_size) {
      throw new Error(`VisionEmbeddings: expected ${image_size}×${image_size} images, got pixels [${pixels.shape.join(',')}]`);
    }
    const patches = this.patch_embedding.forward(pixels);
    const cls = this.class_embedding.reshape([1, 1, D]).expand([B!, 1, D]);
    return concat([cls, patches], 1).add(this.positionTable);
  }
}
