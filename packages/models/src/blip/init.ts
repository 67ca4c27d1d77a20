/**
 * Initialisation of a BLIP trained from scratch, as its two parents do it:
 *  - ViT (timm's VisionTransformer): Linear weights truncated-normal std 0.02, biases 0;
 *    [CLS] and position embeddings truncated-normal 0.02; the patch conv keeps PyTorch's
 *    Conv2d default U(±1/√fan_in); LayerNorms 1 and 0.
 *  - MED (BERT's _init_weights): Linear and Embedding weights N(0, 0.02²), biases 0, LayerNorms 1 and 0.
 * The projections and the ITM head keep torch.nn.Linear's default (BLIP adds them untouched).
 * Shared parameters are initialised once.
 */
import type { Parameter } from '@glimpse/autograd';
import { Embedding } from '../nn/embedding.js';
import { normal, truncNormal, uniform, zeros, type InitOptions } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import type { BlipVisionModel } from './vision.js';

/**
 * Initialises a BLIP ViT in place as timm does: [CLS], position embeddings and every encoder Linear
 * weight truncated-normal std 0.02, Linear biases 0, the patch conv U(±1/√fan_in).
 */
export function initBlipVision(vit: BlipVisionModel, opts: InitOptions): void {
  const e = vit.embeddings;
  const trunc = (p: Parameter) => p.assign(truncNormal(p.shape, 0.02, opts));
  trunc(e.class_embedding);
  trunc(e.position_embedding instanceof Embedding ? e.position_embedding.weight : e.position_embedding);
  const patch = e.patch_embedding;
  const bound = 1 / Math.sqrt(patch.weight.size / patch.weight.shape[0]!);
  patch.weight.assign(uniform(patch.weight.shape, -bound, bound, opts));
  patch.bias?.assign(uniform(patch.bias.shape, -bound, bound, opts));
  for (const [, m] of vit.encoder.namedModules()) {
    if (m instanceof Linear) {
      trunc(m.weight);
      m.bias?.assign(zeros(m.bias.shape, opts));
    }
  }
}

/**
 * Initialises a text model in place as BERT does: every Linear and Embedding weight N(0, 0.02²),
 * Linear biases 0. Weights already in `seen` are skipped (and new ones added), so shared parameters are drawn once.
 */
export function initBertWeights(text: Module, opts: InitOptions, seen = new Set<Parameter>()): void {
  for (const [, m] of text.namedModules()) {
    if (m instanceof Linear || m instanceof Embedding) {
      if (seen.has(m.weight)) continue;
      seen.add(m.weight);
      m.weight.assign(normal(m.weight.shape, 0.02, opts));
      if (m instanceof Linear) m.bias?.assign(zeros(m.bias.shape, opts));
    }
  }
}
