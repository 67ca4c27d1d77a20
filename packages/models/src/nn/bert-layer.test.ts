import { describe, expect, it } from 'vitest';
import { Variable, concat, gradcheck } from '@glimpse/autograd';
import { Generator, randn, tensor, type Tensor } from '@glimpse/tensor';
import { BertLayer } from './bert-layer.js';

const f64 = { dtype: 'float64' as const };
let seed = 500;
const x64 = (...shape: number[]) => randn(shape, { ...f64, seed: seed++ });
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();
const config = { hidden_size: 4, num_attention_heads: 2, intermediate_size: 6 };
const cross = { ...config, add_cross_attention: true, encoder_width: 6 };

const part = (prefix: string, names: string[]) => names.flatMap((n) => [`${prefix}.${n}.bias`, `${prefix}.${n}.weight`]);
const hfBertAttention = (prefix: string) => part(prefix, ['self.query', 'self.key', 'self.value', 'output.dense', 'output.LayerNorm']);
const hfBertLayerKeys = [...hfBertAttention('attention'), ...part('intermediate', ['dense']), ...part('output', ['dense', 'LayerNorm'])];
const hfBlipTextLayerKeys = [...hfBertLayerKeys, ...hfBertAttention('crossattention')];

describe('BertLayer (HF BertLayer / BlipTextLayer)', () => {
  it('has exactly the HF keys, with and without cross-attention; eps 1e-12 by default', () => {
    const plain = new BertLayer(config);
    expect(plain.namedParameters().map(([n]) => n).sort()).toEqual(hfBertLayerKeys.sort());
    const withCross = new BertLayer(cross);
    expect(withCross.namedParameters().map(([n]) => n).sort()).toEqual(hfBlipTextLayerKeys.sort());
    expect(withCross.crossattention!.self.key.weight.shape).toEqual([4, 6]);
    expect(plain.output.LayerNorm.eps).toBe(1e-12);
    expect(new BertLayer({ ...config, layer_norm_eps: 1e-5 }).attention.output.LayerNorm.eps).toBe(1e-5);
  });

  it('gradchecks without cross-attention, with a padding mask', () => {
    const layer = new BertLayer(config, { ...f64, generator: new Generator(6) }).eval();
    const mask = tensor([[1, 1, 1], [1, 1, 0]], { dtype: 'int32' });
    gradcheck((h) => layer.forward(h, { attentionMask: mask }), [x64(2, 3, 4)], { params: layer.parameters() });
  });

  it('gradchecks with cross-attention, bidirectional and causal', () => {
    const layer = new BertLayer(cross, { ...f64, generator: new Generator(7) }).eval();
    const encoderMask = tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], { dtype: 'int32' });
    const mask = tensor([[1, 1, 1], [1, 1, 0]], { dtype: 'int32' });
    const params = { params: layer.parameters() };
    gradcheck((h, e) => layer.forward(h, { attentionMask: mask, encoderHidden: e, encoderMask }), [x64(2, 3, 4), x64(2, 5, 6)], params);
    gradcheck((h, e) => layer.forward(h, { attentionMask: mask, causal: true, encoderHidden: e }), [x64(2, 3, 4), x64(2, 5, 6)], params);
  });

  it('decodes token by token through its caches exactly as the full causal pass (image projected once)', () => {
    const layer = new BertLayer(cross, { ...f64, generator: new Generator(8) }).eval();
    const [h, image] = [new Variable(x64(2, 5, 4)), new Variable(x64(2, 7, 6))];
    const full = layer.forward(h, { causal: true, encoderHidden: image }).data;
    const cache = BertLayer.newCache();
    const steps = [0, 1, 2, 3, 4].map((t) => layer.forward(h.narrow(1, t, 1), { causal: true, cache, encoderHidden: t === 0 ? image : undefined }));
    expect(cache.self.length).toBe(5);
    expect(cache.cross.length).toBe(7);
    expect(maxDiff(concat(steps, 1).data, full)).toBeLessThan(1e-13);
  });

  it('skips cross-attention without encoder states (BLIP text mode); dropout acts in training only', () => {
    const layer = new BertLayer(cross, { ...f64, generator: new Generator(9) }).eval();
    const h = new Variable(x64(2, 3, 4));
    const textOnly = layer.output.forward(layer.intermediate.forward(layer.attention.forward(h)), layer.attention.forward(h));
    expect(maxDiff(layer.forward(h).data, textOnly.data)).toBe(0);
    expect(maxDiff(layer.forward(h).data, layer.forward(h).data)).toBe(0);
    layer.train();
    expect(maxDiff(layer.forward(h).data, textOnly.data)).toBeGreaterThan(1e-3);
  });

  it('names itself and the shapes on bad input', () => {
    const plain = new BertLayer(config);
    const h = new Variable(randn([2, 3, 4]));
    expect(() => plain.forward(h, { encoderHidden: new Variable(randn([2, 5, 4])) })).toThrow(/BertLayer\(hidden 4\): encoder states \[2,5,4\] given, but this layer has no cross-attention/);
    expect(() => plain.forward(new Variable(randn([2, 3])))).toThrow(/BertLayer\(hidden 4\): input must be \[batch, tokens, 4\], got \[2,3\]/);
    expect(() => new BertLayer(cross).forward(h, { encoderHidden: new Variable(randn([2, 5, 4])) })).toThrow(
      /BertSelfAttention\(cross, hidden 4, encoder_width 6, 2 heads\): encoder states must be \[batch, tokens, 6\], got \[2,5,4\]/,
    );
    expect(() => new BertLayer({ ...config, num_attention_heads: 3 })).toThrow(/hidden_size 4 is not divisible into 3 heads/);
  });
});
