/**
 * Momentum distillation for BLIP's ITC (from ALBEF): slowly moving copies of the unimodal
 * encoders produce steadier similarities, used as soft targets, and queues of their past features
 * give each image many more texts to be contrasted with than one batch holds.
 *
 *  - `BlipMomentumEncoders.copyOf(model)`: the momentum copies (ViT, text encoder, both
 *    projections) under the very names they have in BlipPretrain, without gradient. Keep them in
 *    step after each optimizer update with @glimpse/train's `emaUpdate(momentum, model, 0.995)`
 *    (θ_m ← m·θ_m + (1 − m)·θ), which matches parameters by name.
 *  - `FeatureQueue`: a ring buffer of normalised features [size, E], as BLIP's image_queue /
 *    text_queue (stored there transposed as [E, size]).
 */
import { l2Normalize } from '../clip/clip-model.js';
import { noGrad, type Variable } from '@glimpse/autograd';
import { concat, Generator, randn, type DType, type Tensor } from '@glimpse/tensor';
import type { AttentionMask } from '../nn/attention-mask.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { BlipPretrainConfig } from './config.js';
import { BlipTextModel } from './text-model.js';
import { BlipVisionModel } from './vision.js';

/** The parts of a model the momentum copies mirror (BlipPretrain has them all). */
export interface BlipUnimodal extends Module {
  config: BlipPretrainConfig;
  vision_model: BlipVisionModel;
  text_encoder: BlipTextModel;
  vision_proj: Linear;
  text_proj: Linear;
}

export class BlipMomentumEncoders extends Module {
  vision_model: BlipVisionModel;
  text_encoder: BlipTextModel;
  vision_proj: Linear;
  text_proj: Linear;

  constructor(readonly config: BlipPretrainConfig, opts: { dtype?: DType } = {}) {
    super();
    const init = { dtype: opts.dtype ?? 'float32', generator: new Generator(0) };
    this.vision_model = new BlipVisionModel(config.vision_config, init);
    this.text_encoder = new BlipTextModel(config.text_config, init);
    this.vision_proj = new Linear(config.vision_config.hidden_size, config.image_text_hidden_size, init);
    this.text_proj = new Linear(config.text_config.hidden_size, config.image_text_hidden_size, init);
    for (const p of this.parameters()) p.requiresGrad = false;
  }

  /** Momentum copies starting from the model's current weights (BLIP's copy_params). */
  static copyOf(model: BlipUnimodal): BlipMomentumEncoders {
    const copy = new BlipMomentumEncoders(model.config, { dtype: model.vision_proj.weight.dtype });
    const source = model.stateDict();
    const names = copy.stateDict();
    copy.loadStateDict(Object.fromEntries(Object.keys(names).map((name) => [name, source[name]!.clone()])));
    return copy;
  }

  /** Normalised projected [CLS] features of the momentum encoders, without gradient. */
  features(pixelValues: Tensor | Variable, inputIds: Tensor, attentionMask?: AttentionMask): { imageFeat: Tensor; textFeat: Tensor } {
    return noGrad(() => {
      const image = this.vision_model.forward(pixelValues).lastHiddenState.select(1, 0);
      const text = this.text_encoder.forward(inputIds, { mode: 'text', attentionMask }).lastHiddenState.select(1, 0);
      return { imageFeat: l2Normalize(this.vision_proj.forward(image)).data, textFeat: l2Normalize(this.text_proj.forward(text)).data };
    });
  }
}

/** A first-in-first-out store of `size` feature rows of width `dim`. */
export class FeatureQueue {
  features: Tensor;
  /** Row where the next batch is written. */
  ptr = 0;

  /** Starts from random unit vectors, as BLIP (randn, normalised). */
  constructor(readonly size: number, readonly dim: number, opts: { generator?: Generator; dtype?: DType } = {}) {
    if (!(Number.isInteger(size) && size > 0 && Number.isInteger(dim) && dim > 0)) throw new Error(`FeatureQueue: size and dim must be positive integers, got ${size}, ${dim}`);
    const x = randn([size, dim], { dtype: opts.dtype ?? 'float32', generator: opts.generator ?? new Generator(0) });
    this.features = x.div(x.mul(x).sum(-1, true).sqrt());
  }

  /** Overwrites the oldest rows with `feats` [B, dim]; BLIP requires size % B = 0, so a batch never wraps. */
  enqueue(feats: Tensor): void {
    const B = feats.shape[0]!;
    if (feats.rank !== 2 || feats.shape[1] !== this.dim) throw new Error(`FeatureQueue: features must be [B, ${this.dim}], got [${feats.shape.join(',')}]`);
    if (this.size % B !== 0) throw new Error(`FeatureQueue: the queue size ${this.size} must be a multiple of the batch size ${B}`);
    const parts = [this.features.narrow(0, 0, this.ptr), feats.to(this.features.dtype), this.features.narrow(0, this.ptr + B, this.size - this.ptr - B)];
    this.features = concat(parts.filter((p) => p.shape[0]! > 0), 0).contiguous();
    this.ptr = (this.ptr + B) % this.size;
  }
}
