import type { Parameter } from '@glimpse/autograd';
import { Attention } from '../nn/attention.js';
import { Embedding } from '../nn/embedding.js';
import { normal, uniform, zeros, type InitOptions } from '../nn/init.js';
import type { Linear } from '../nn/linear.js';
import type { CLIPModel } from './clip-model.js';

/**
 * OpenAI CLIP's initialisation (openai/CLIP `initialize_parameters`), applied to both towers'
 * blocks as Hugging Face does, for width w and L layers:
 *   token embedding N(0, 0.02²), text positions N(0, 0.01²); [CLS], image positions and both
 *   projections N(0, 1/w) (OpenAI's `scale = w^-0.5`); q/k/v N(0, 1/w); out_proj and fc2
 *   N(0, 1/(2wL)); fc1 N(0, 1/(2w)); biases 0; LayerNorms 1 and 0 (as built). The patch conv
 *   keeps PyTorch's Conv2d default U(±1/√fan_in), as OpenAI's does.
 */
export function initCLIPWeights(model: CLIPModel, opts: InitOptions): void {
  const { text_config: t, vision_config: v } = model.config;
  const setNormal = (p: Parameter, std: number) => p.assign(normal(p.shape, std, opts));
  const setLinear = (layer: Linear, std: number) => {
    setNormal(layer.weight, std);
    layer.bias?.assign(zeros(layer.bias.shape, opts));
  };

  const text = model.text_model.embeddings;
  setNormal(text.token_embedding.weight, 0.02);
  setNormal(text.position_embedding.weight, 0.01);

  const vision = model.vision_model.embeddings;
  setNormal(vision.class_embedding, v.hidden_size ** -0.5);
  const positions = vision.position_embedding;
  setNormal(positions instanceof Embedding ? positions.weight : positions, v.hidden_size ** -0.5);
  const patch = vision.patch_embedding.weight;
  const bound = 1 / Math.sqrt(patch.size / patch.shape[0]!);
  patch.assign(uniform(patch.shape, -bound, bound, opts));

  const towers = [
    [model.text_model.encoder.layers, t.hidden_size],
    [model.vision_model.encoder.layers, v.hidden_size],
  ] as const;
  for (const [blocks, width] of towers) {
    const residualStd = width ** -0.5 * (2 * blocks.length) ** -0.5;
    for (const block of blocks) {
      const attn = block.self_attn;
      if (!(attn instanceof Attention)) throw new Error('initCLIPWeights: CLIP blocks use the q/k/v Attention');
      for (const proj of [attn.q_proj, attn.k_proj, attn.v_proj]) setLinear(proj, width ** -0.5);
      setLinear(attn.out_proj, residualStd);
      setLinear(block.mlp.fc1, (2 * width) ** -0.5);
      setLinear(block.mlp.fc2, residualStd);
    }
  }
  setNormal(model.visual_projection.weight, v.hidden_size ** -0.5);
  setNormal(model.text_projection.weight, t.hidden_size ** -0.5);
}
