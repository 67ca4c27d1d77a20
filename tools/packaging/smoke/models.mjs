// @glimpse/models (main, browser-safe entry) from its packed tarball: a Linear forward against
// x·Wᵀ + b, a state dict round trip through safetensors bytes into a fresh module, and a tiny
// randomly initialised CLIP forward (shapes, unit-length embeddings, logits = scale · cosine).
import { Variable } from '@glimpse/autograd';
import { CLIPModel, Linear } from '@glimpse/models';
import { Generator, parseSafetensors, randn, serializeSafetensors, tensor } from '@glimpse/tensor';
import { check, checkClose, refMatmul } from './check.mjs';

export default function smokeModels() {
  const layer = new Linear(3, 2, { generator: new Generator(0) });
  const state = layer.stateDict();
  check(Object.keys(state).sort().join() === 'bias,weight', `Linear state dict keys: ${Object.keys(state)}`);
  const xv = [1, -2, 0.5, 3, 0, -1];
  const x = new Variable(tensor(xv, { shape: [2, 3] }));
  const y = layer.forward(x);
  const W = Array.from(state.weight.dataSync()); // [out=2, in=3]
  const b = Array.from(state.bias.dataSync());
  const WT = [W[0], W[3], W[1], W[4], W[2], W[5]];
  const expected = refMatmul(xv, WT, 2, 3, 2).map((v, i) => v + b[i % 2]);
  const out = checkClose(y.data.dataSync(), expected, 'Linear forward');

  const fresh = new Linear(3, 2, { generator: new Generator(1) });
  check(Array.from(fresh.forward(x).data.dataSync()).join() !== out.join(), 'a differently seeded Linear should differ before loading');
  const bytes = serializeSafetensors(state);
  fresh.loadStateDict(parseSafetensors(bytes).tensors);
  checkClose(fresh.forward(x).data.dataSync(), out, 'Linear forward after loadStateDict', 0);
  check(fresh.numParameters() === 8, `numParameters ${fresh.numParameters()}`);

  return { linear: out, stateDictBytes: bytes.length, clip: smokeCLIP() };
}

/** A tiny CLIP (2 layers, width 16, 4×4 patches of 8×8 images, a 64-token vocabulary). */
export const TINY_CLIP = {
  projection_dim: 8,
  text_config: { vocab_size: 64, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 5, eos_token_id: 63 },
  vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, image_size: 8, patch_size: 4 },
};

/** Inputs for TINY_CLIP: 2 images [2, 3, 8, 8] and 2 padded captions [2, 5] with their mask. */
export function tinyClipInputs() {
  const pixelValues = randn([2, 3, 8, 8], { seed: 5 });
  const inputIds = tensor([[62, 5, 9, 63, 0], [62, 7, 63, 0, 0]], { dtype: 'int32' });
  return { pixelValues, inputIds, attentionMask: inputIds.ne(0).to('int32') };
}

function smokeCLIP() {
  const model = CLIPModel.create(TINY_CLIP, { seed: 0 });
  const inputs = tinyClipInputs();
  const out = model.forward(inputs);
  check(out.logitsPerImage.shape.join() === '2,2', `CLIP logits shape [${out.logitsPerImage.shape}]`);
  check(out.imageEmbeds.shape.join() === '2,8' && out.textEmbeds.shape.join() === '2,8', 'CLIP embedding shapes');
  const norms = (v) => {
    const d = Array.from(v.data.dataSync());
    return [0, 1].map((r) => Math.hypot(...d.slice(r * 8, r * 8 + 8)));
  };
  checkClose([...norms(out.imageEmbeds), ...norms(out.textEmbeds)], [1, 1, 1, 1], 'CLIP embeddings are unit length');
  const img = Array.from(out.imageEmbeds.data.dataSync());
  const txt = Array.from(out.textEmbeds.data.dataSync());
  const scale = Math.exp(model.logit_scale.data.item());
  const cosine = [0, 1].flatMap((i) => [0, 1].map((j) => img.slice(i * 8, i * 8 + 8).reduce((s, v, k) => s + v * txt[j * 8 + k], 0)));
  const logits = checkClose(out.logitsPerImage.data.dataSync(), cosine.map((c) => scale * c), 'CLIP logits = exp(logit_scale) · cosine', 1e-4);

  // The same weights through safetensors bytes into a differently seeded model give the same logits.
  const copy = CLIPModel.create(TINY_CLIP, { seed: 1 });
  copy.loadStateDict(parseSafetensors(serializeSafetensors(model.stateDict())).tensors);
  checkClose(copy.forward(inputs).logitsPerImage.data.dataSync(), logits, 'CLIP logits after loadStateDict', 0);
  return { logits, parameters: model.numParameters() };
}
