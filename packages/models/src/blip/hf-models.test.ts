import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSafetensors, randn, serializeSafetensors, tensor, type Tensor } from '@glimpse/tensor';
import type { PartialBlipConfig } from './config.js';
import { BlipForConditionalGeneration, BlipForImageTextRetrieval } from './hf-models.js';
import { lmLabels } from './losses.js';
import { sharedStateDict } from './weights.js';

const tiny: PartialBlipConfig = {
  image_text_hidden_size: 4,
  vision_config: { hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4, layer_norm_eps: 1e-6 },
  text_config: { vocab_size: 20, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 8, label_smoothing: 0.1 },
};
const pixelValues = randn([2, 3, 8, 8], { seed: 1 });
const inputIds = tensor([
  [18, 5, 6, 2],
  [18, 7, 2, 0],
], { dtype: 'int32' });
const attentionMask = inputIds.ne(0).to('int32');
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();
const root = mkdtempSync(join(tmpdir(), 'glimpse-blip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Hugging Face BLIP heads: savePretrained / fromPretrained', () => {
  it('round-trips BlipForImageTextRetrieval (config and weights), giving the same ITM and ITC scores', async () => {
    const model = BlipForImageTextRetrieval.create(tiny, { seed: 3 });
    await model.savePretrained(join(root, 'retrieval'));
    const loaded = await BlipForImageTextRetrieval.fromPretrained(join(root, 'retrieval'));
    expect(loaded.config).toEqual(model.config);
    for (const useItmHead of [true, false]) {
      const a = model.forward({ pixelValues, inputIds, attentionMask, useItmHead }).itmScore.data;
      const b = loaded.forward({ pixelValues, inputIds, attentionMask, useItmHead }).itmScore.data;
      expect(maxDiff(a, b)).toBe(0);
    }
  });

  it('round-trips BlipForConditionalGeneration, writing each tied parameter once (as HF does)', async () => {
    const model = BlipForConditionalGeneration.create(tiny, { seed: 4 });
    const dir = join(root, 'captioning');
    await model.savePretrained(dir);
    const file = join(dir, 'model.safetensors');
    const names = Object.keys(parseSafetensors(readFileSync(file), file).tensors);
    expect(names).toContain('text_decoder.bert.embeddings.word_embeddings.weight');
    expect(names).toContain('text_decoder.cls.predictions.bias');
    expect(names).not.toContain('text_decoder.cls.predictions.decoder.weight');
    expect(names).not.toContain('text_decoder.cls.predictions.decoder.bias');
    const loaded = await BlipForConditionalGeneration.fromPretrained(dir);
    expect(loaded.text_decoder.cls.predictions.decoder.weight).toBe(loaded.text_decoder.bert.embeddings.word_embeddings.weight);
    const labels = lmLabels(inputIds);
    const a = model.forward({ pixelValues, inputIds, attentionMask, labels });
    const b = loaded.forward({ pixelValues, inputIds, attentionMask, labels });
    expect(maxDiff(a.logits.data, b.logits.data)).toBe(0);
    expect(a.loss!.item()).toBe(b.loss!.item());
  });

  it('reports a tied copy that disagrees, and missing or unexpected weights, naming the directory', async () => {
    const model = BlipForConditionalGeneration.create(tiny, { seed: 5 });
    const weights = sharedStateDict(model);
    const write = (name: string, tensors: Record<string, Tensor>) => {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify(model.config));
      writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
      return dir;
    };
    const conflicting = write('conflict', { ...weights, 'text_decoder.cls.predictions.decoder.weight': randn([20, 8]) });
    await expect(BlipForConditionalGeneration.fromPretrained(conflicting)).rejects.toThrow(/decoder\.weight differs from text_decoder\.bert\.embeddings\.word_embeddings\.weight, but they are one \(tied\) parameter/);
    const { ['vision_model.post_layernorm.bias']: _dropped, ...partial } = weights;
    const missing = write('missing', { ...partial, 'text_decoder.extra': randn([2]) });
    await expect(BlipForConditionalGeneration.fromPretrained(missing)).rejects.toThrow(/BlipForConditionalGeneration\.fromPretrained\(.*missing\): .*missing 1 key\(s\):\n\s+vision_model\.post_layernorm\.bias[\s\S]*unexpected 1 key\(s\):\n\s+text_decoder\.extra/);
  });
});
