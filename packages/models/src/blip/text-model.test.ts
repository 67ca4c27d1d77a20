import { describe, expect, it } from 'vitest';
import { concat, Variable } from '@glimpse/autograd';
import { Generator, randn, tensor, type Tensor } from '@glimpse/tensor';
import { Attention } from '../nn/attention.js';
import { blipConfig } from './config.js';
import { BlipTextLMHeadModel } from './text-decoder.js';
import { BlipTextModel, withFirstToken } from './text-model.js';
import { BlipVisionAttention, BlipVisionModel } from './vision.js';

const f64 = { dtype: 'float64' as const };
const config = blipConfig({
  vision_config: { hidden_size: 8, intermediate_size: 16, num_hidden_layers: 2, num_attention_heads: 2, image_size: 8, patch_size: 4, layer_norm_eps: 1e-6 },
  text_config: { vocab_size: 20, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 10 },
});
const { text_config: t, vision_config: v } = config;
const ids = tensor([
  [1, 5, 6, 7, 2, 0],
  [1, 8, 9, 2, 0, 0],
], { dtype: 'int32' });
const mask = ids.ne(0).to('int32');
const image = () => new Variable(randn([2, 5, 8], { ...f64, seed: 3 }));
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

describe('BLIP ViT (shared VisionTransformer, timm layout, fused qkv)', () => {
  const vit = new BlipVisionModel(v, { ...f64, generator: new Generator(1) });

  it('has HF BlipVisionModel names and shapes', () => {
    const shapes = Object.fromEntries(vit.namedParameters().map(([n, p]) => [n, p.shape]));
    expect(shapes['embeddings.class_embedding']).toEqual([1, 1, 8]);
    expect(shapes['embeddings.position_embedding']).toEqual([1, 5, 8]);
    expect(shapes['embeddings.patch_embedding.bias']).toEqual([8]);
    expect(shapes['encoder.layers.1.self_attn.qkv.weight']).toEqual([24, 8]);
    expect(shapes['encoder.layers.1.self_attn.qkv.bias']).toEqual([24]);
    expect(shapes['encoder.layers.1.self_attn.projection.weight']).toEqual([8, 8]);
    expect(Object.keys(shapes).some((n) => n.startsWith('pre_layrnorm'))).toBe(false);
    expect(vit.post_layernorm.eps).toBe(1e-6);
    expect(vit.encoder.layers[0]!.layer_norm1.eps).toBe(1e-6);
  });

  it('fused qkv = separate q/k/v projections on the rows [0,D), [D,2D), [2D,3D)', () => {
    const fused = new BlipVisionAttention(8, 2, { ...f64, generator: new Generator(2) });
    const plain = new Attention(8, 2, f64);
    const rows = (p: Tensor, i: number) => p.narrow(0, 8 * i, 8).contiguous();
    [plain.q_proj, plain.k_proj, plain.v_proj].forEach((proj, i) => {
      proj.weight.assign(rows(fused.qkv.weight.data, i));
      proj.bias!.assign(rows(fused.qkv.bias!.data, i));
    });
    plain.out_proj.weight.assign(fused.projection.weight.data);
    plain.out_proj.bias!.assign(fused.projection.bias!.data);
    const x = new Variable(randn([2, 5, 8], { ...f64, seed: 4 }));
    expect(maxDiff(fused.forward(x).data, plain.forward(x).data)).toBeLessThan(1e-14);
  });

  it('LayerNorms every token; HF pooler output = post_layernorm applied again to the [CLS] row', () => {
    // A LayerNorm with gain 1 and bias 0 is idempotent; with learned ones the second application shows.
    vit.post_layernorm.weight.assign(randn([8], { ...f64, seed: 8 }));
    vit.post_layernorm.bias.assign(randn([8], { ...f64, seed: 9 }));
    const out = vit.forward(randn([2, 3, 8, 8], { ...f64, seed: 5 }));
    expect(out.lastHiddenState.shape).toEqual([2, 5, 8]);
    const cls = out.lastHiddenState.select(1, 0);
    expect(maxDiff(out.pooled.data, vit.post_layernorm.forward(cls).data)).toBe(0);
    expect(maxDiff(out.pooled.data, cls.data)).toBeGreaterThan(1e-3);
  });
});

describe('MED text model (BlipTextModel) in its three modes', () => {
  const model = new BlipTextModel(t, { ...f64, generator: new Generator(6) }).eval();

  it('has HF BERT names (encoder.layer.N, singular) with cross-attention reading the ViT width', () => {
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('embeddings.word_embeddings.weight');
    expect(names).toContain('embeddings.position_embeddings.weight');
    expect(names).toContain('embeddings.LayerNorm.bias');
    expect(names).toContain('encoder.layer.1.crossattention.self.key.weight');
    expect(names).toContain('encoder.layer.0.attention.output.LayerNorm.weight');
    expect(names.some((n) => n.includes('token_type') || n.includes('pooler'))).toBe(false);
    expect(model.embeddings.word_embeddings.paddingIdx).toBe(0);
  });

  it("'text' is bidirectional without the image; 'multimodal' reads the image; 'decoder' is causal", () => {
    const changed = tensor([
      [1, 5, 6, 7, 3, 0],
      [1, 8, 9, 2, 0, 0],
    ], { dtype: 'int32' });
    const text = (x: Tensor) => model.forward(x, { mode: 'text', attentionMask: mask }).lastHiddenState.data;
    const dec = (x: Tensor) => model.forward(x, { mode: 'decoder', attentionMask: mask, encoderHidden: image() }).lastHiddenState.data;
    // Changing token 4 of row 0 moves every position in text mode, only positions ≥ 4 when decoding.
    expect(maxDiff(text(ids).narrow(1, 0, 4), text(changed).narrow(1, 0, 4))).toBeGreaterThan(1e-6);
    expect(maxDiff(dec(ids).narrow(1, 0, 4), dec(changed).narrow(1, 0, 4))).toBe(0);
    const fused = model.forward(ids, { mode: 'multimodal', attentionMask: mask, encoderHidden: image() }).lastHiddenState.data;
    expect(maxDiff(fused, text(ids))).toBeGreaterThan(1e-3);
    expect(() => model.forward(ids, { mode: 'text', encoderHidden: image() })).toThrow(/text mode reads no image/);
    expect(() => model.forward(ids, { mode: 'multimodal' })).toThrow(/BlipTextModel\(multimodal\): needs encoderHidden/);
    expect(() => model.forward(tensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]], { dtype: 'int32' }))).toThrow(/positions up to 11 exceed max_position_embeddings 10/);
  });
});

describe('BlipTextLMHeadModel: LM head and decoding steps', () => {
  const decoder = new BlipTextLMHeadModel(t, { ...f64, generator: new Generator(7) }).eval();

  it('ties the vocabulary projection to the word embeddings, and its bias to predictions.bias (HF names)', () => {
    const state = decoder.stateDict();
    expect(state['cls.predictions.decoder.weight']).toBe(state['bert.embeddings.word_embeddings.weight']);
    expect(state['cls.predictions.decoder.bias']).toBe(state['cls.predictions.bias']);
    expect(decoder.namedParameters().map(([n]) => n)).toContain('cls.predictions.transform.LayerNorm.weight');
    const untied = new BlipTextLMHeadModel({ ...t, tie_word_embeddings: false });
    expect(untied.cls.predictions.decoder.weight).not.toBe(untied.bert.embeddings.word_embeddings.weight);
  });

  it('decodes through its KV cache (prompt, then one token per step) exactly as the full causal pass', () => {
    const dec = withFirstToken(ids, 18);
    const encoderHidden = image();
    const full = decoder.forward(dec, { attentionMask: mask, encoderHidden }).logits.data;
    const cache = decoder.newCache();
    const steps = [decoder.step(dec.narrow(1, 0, 3).contiguous(), cache, { encoderHidden, attentionMask: mask.narrow(1, 0, 3).contiguous() })];
    for (let i = 3; i < 6; i++) steps.push(decoder.step(dec.narrow(1, i, 1).contiguous(), cache, { attentionMask: mask.narrow(1, 0, i + 1).contiguous() }));
    expect(cache.length).toBe(6);
    const stepped = concat(steps.map((s) => s.reshape([2, 1, t.vocab_size])), 1).data;
    expect(maxDiff(stepped, full.narrow(1, 2, 4))).toBeLessThan(1e-12);
  });

  it('reorders its cache rows for beam search', () => {
    const dec = withFirstToken(ids, 18);
    const encoderHidden = image();
    const cache = decoder.newCache();
    decoder.step(dec.narrow(1, 0, 2).contiguous(), cache, { encoderHidden });
    cache.reorder(tensor([1, 1], { dtype: 'int32' }));
    const third = dec.narrow(0, 1, 1).narrow(1, 2, 1).expand([2, 1]).contiguous(); // row 1's next token, for both rows
    const next = decoder.step(third, cache);
    const swapped = decoder.forward(dec.narrow(0, 1, 1).narrow(1, 0, 3).contiguous(), { encoderHidden: encoderHidden.narrow(0, 1, 1) }).logits.data.select(1, 2);
    expect(maxDiff(next.data.select(0, 0), swapped.select(0, 0))).toBeLessThan(1e-12);
    expect(maxDiff(next.data.select(0, 1), swapped.select(0, 0))).toBeLessThan(1e-12);
  });
});
