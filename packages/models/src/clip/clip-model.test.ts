import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '@glimpse/autograd';
import { randint, randn, tensor } from '@glimpse/tensor';
import { CLIPModel } from './clip-model.js';

const tiny = {
  projection_dim: 8,
  text_config: { vocab_size: 64, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 7, eos_token_id: 63 },
  vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, image_size: 8, patch_size: 4 },
};
const ids = tensor([[62, 5, 9, 63, 0, 0, 0], [62, 7, 63, 0, 0, 0, 0], [62, 1, 2, 3, 4, 5, 63]], { dtype: 'int32' });
const mask = ids.ne(0).to('int32');

describe('CLIPModel', () => {
  it('yields Hugging Face parameter names', () => {
    const names = CLIPModel.create(tiny).namedParameters().map(([n]) => n);
    for (const name of [
      'text_model.embeddings.token_embedding.weight',
      'text_model.embeddings.position_embedding.weight',
      'text_model.encoder.layers.0.self_attn.q_proj.weight',
      'text_model.encoder.layers.1.mlp.fc2.bias',
      'text_model.final_layer_norm.weight',
      'vision_model.embeddings.class_embedding',
      'vision_model.embeddings.patch_embedding.weight',
      'vision_model.embeddings.position_embedding.weight',
      'vision_model.pre_layrnorm.weight',
      'vision_model.encoder.layers.1.layer_norm2.bias',
      'vision_model.post_layernorm.bias',
      'visual_projection.weight',
      'text_projection.weight',
      'logit_scale',
    ]) expect(names).toContain(name);
    expect(names).not.toContain('vision_model.embeddings.patch_embedding.bias');
    // text: 2 embeddings + 2 layers × 16 + final LN 2; vision: 3 embeddings + LNs 2 + 2 + 32; 2 projections; logit_scale.
    expect(names).toHaveLength(36 + 39 + 2 + 1);
  });

  it('initialises deterministically by seed, as OpenAI does', () => {
    const a = CLIPModel.create(tiny, { seed: 3 }).stateDict();
    const b = CLIPModel.create(tiny, { seed: 3 }).stateDict();
    const c = CLIPModel.create(tiny, { seed: 4 }).stateDict();
    expect(a['text_projection.weight']!.toArray()).toEqual(b['text_projection.weight']!.toArray());
    expect(a['text_projection.weight']!.toArray()).not.toEqual(c['text_projection.weight']!.toArray());
    expect(a['logit_scale']!.item()).toBeCloseTo(Math.log(1 / 0.07), 6);
    const std = (t: string) => Math.sqrt(a[t]!.var().item());
    expect(std('text_model.embeddings.token_embedding.weight')).toBeCloseTo(0.02, 2);
    expect(a['text_model.encoder.layers.0.self_attn.q_proj.bias']!.abs().sum().item()).toBe(0);
  });

  it('forward gives square logits, unit embeddings, and a loss that backpropagates to every parameter', () => {
    const model = CLIPModel.create(tiny);
    const pixels = randn([3, 3, 8, 8], { seed: 1 });
    const out = model.forward({ pixelValues: pixels, inputIds: ids, attentionMask: mask, returnLoss: true });
    expect(out.logitsPerImage.shape).toEqual([3, 3]);
    expect(out.logitsPerText.data.toArray()).toEqual(out.logitsPerImage.data.transpose().toArray());
    const norms = out.imageEmbeds.data.mul(out.imageEmbeds.data).sum(-1).toArray() as number[];
    norms.forEach((n) => expect(n).toBeCloseTo(1, 5));
    out.loss!.backward();
    const withoutGrad = model.namedParameters().filter(([, p]) => !p.grad).map(([n]) => n);
    expect(withoutGrad).toEqual([]);
  });

  it('gradchecks end to end in float64 (tiny config)', () => {
    const model = CLIPModel.create({ ...tiny, text_config: { ...tiny.text_config, num_hidden_layers: 1 }, vision_config: { ...tiny.vision_config, num_hidden_layers: 1 } }, { dtype: 'float64' });
    // One parameter of each kind along both towers (checking all of them costs minutes).
    const byName = Object.fromEntries(model.namedParameters());
    const params = [
      'logit_scale', 'vision_model.embeddings.class_embedding', 'vision_model.pre_layrnorm.bias',
      'vision_model.encoder.layers.0.self_attn.k_proj.bias', 'vision_model.post_layernorm.weight',
      'text_model.encoder.layers.0.mlp.fc1.bias', 'text_model.final_layer_norm.bias',
    ].map((n) => byName[n]!);
    const pixels = randn([3, 3, 8, 8], { seed: 2, dtype: 'float64' });
    gradcheck(() => model.forward({ pixelValues: pixels, inputIds: ids, attentionMask: mask, returnLoss: true }).loss!, [], { params });
  });

  it('pools at the end-of-text token (first eos id; legacy eos 2 → argmax)', () => {
    const model = CLIPModel.create(tiny);
    const full = model.encodeText(ids, mask);
    expect(full.lastHiddenState.shape).toEqual([3, 7, 16]);
    expect(full.pooled.data.select(0, 1).toArray()).toEqual(full.lastHiddenState.data.select(0, 1).select(0, 2).toArray());
    expect(() => model.encodeText(tensor([[1, 2]], { dtype: 'int32' }))).toThrow(/no end-of-text token \(id 63\)/);
  });

  it('saves and loads an HF-style directory, and names what a bad checkpoint lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-clip-'));
    const model = CLIPModel.create(tiny, { seed: 5 });
    await model.savePretrained(dir);
    const loaded = await CLIPModel.fromPretrained(dir);
    expect(loaded.config).toEqual(model.config);
    const pixels = randn([1, 3, 8, 8], { seed: 6 });
    expect(loaded.getImageFeatures(pixels).data.toArray()).toEqual(model.getImageFeatures(pixels).data.toArray());
    await expect(CLIPModel.fromPretrained(join(dir, 'nowhere'))).rejects.toThrow(/cannot read .*nowhere\/config\.json/);
    const other = CLIPModel.create({ ...tiny, projection_dim: 4 });
    const bad = mkdtempSync(join(tmpdir(), 'glimpse-clip-bad-'));
    await other.savePretrained(bad);
    const { writeText } = await import('../io/files.js');
    await writeText(join(bad, 'config.json'), JSON.stringify(model.config));
    await expect(CLIPModel.fromPretrained(bad)).rejects.toThrow(/visual_projection\.weight: checkpoint \[4,16\] vs model \[8,16\]/);
  });

  it('names bad inputs', () => {
    const model = CLIPModel.create(tiny);
    expect(() => model.getImageFeatures(randn([1, 3, 16, 16]))).toThrow(/expected 8×8 images, got pixels \[1,3,16,16\]/);
    expect(() => model.getTextFeatures(randint(0, 5, [1, 9]))).toThrow(/9 tokens exceed max_position_embeddings 7/);
    expect(() => model.getTextFeatures(tensor([[1, 63]]))).toThrow(/inputIds must be int32/);
  });
});
