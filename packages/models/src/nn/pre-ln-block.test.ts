import { describe, expect, it } from 'vitest';
import { Variable, concat, gradcheck } from '@glimpse/autograd';
import { Generator, randn, tensor, type Tensor } from '@glimpse/tensor';
import { KVCache } from './kv-cache.js';
import { PreLNBlock } from './pre-ln-block.js';

const f64 = { dtype: 'float64' as const };
let seed = 300;
const x64 = (...shape: number[]) => randn(shape, { ...f64, seed: seed++ });
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();
const config = { hidden_size: 4, num_attention_heads: 2, intermediate_size: 6 };

const hfClipEncoderLayerKeys = [
  'layer_norm1.bias', 'layer_norm1.weight', 'layer_norm2.bias', 'layer_norm2.weight',
  'mlp.fc1.bias', 'mlp.fc1.weight', 'mlp.fc2.bias', 'mlp.fc2.weight',
  'self_attn.k_proj.bias', 'self_attn.k_proj.weight', 'self_attn.out_proj.bias', 'self_attn.out_proj.weight',
  'self_attn.q_proj.bias', 'self_attn.q_proj.weight', 'self_attn.v_proj.bias', 'self_attn.v_proj.weight',
];

describe('PreLNBlock (HF CLIPEncoderLayer)', () => {
  it('has exactly the HF CLIP encoder layer keys, and the configured eps and activation', () => {
    const block = new PreLNBlock({ ...config, layer_norm_eps: 1e-6, hidden_act: 'gelu' });
    expect(block.namedParameters().map(([n]) => n).sort()).toEqual(hfClipEncoderLayerKeys);
    expect(block.layer_norm1.eps).toBe(1e-6);
    expect(new PreLNBlock(config).layer_norm2.eps).toBe(1e-5);
  });

  it('gradchecks with a padding mask, with causal, and through all its parameters', () => {
    const block = new PreLNBlock(config, { ...f64, generator: new Generator(4) });
    // Non-trivial LayerNorm gains, so their gradients are exercised away from 1/0.
    block.layer_norm1.weight.assign(x64(4));
    block.layer_norm2.bias.assign(x64(4));
    const mask = tensor([[1, 1, 1], [1, 0, 1]], { dtype: 'bool' });
    gradcheck((x) => block.forward(x, { mask }), [x64(2, 3, 4)], { params: block.parameters() });
    gradcheck((x) => block.forward(x, { causal: true }), [x64(2, 3, 4)], { params: block.parameters() });
  });

  it('decodes causally through a KV cache exactly as the full pass', () => {
    const block = new PreLNBlock(config, { ...f64, generator: new Generator(5) });
    const x = new Variable(x64(2, 4, 4));
    const cache = new KVCache();
    const steps = [0, 1, 2, 3].map((t) => block.forward(x.narrow(1, t, 1), { causal: true, cache }));
    expect(maxDiff(concat(steps, 1).data, block.forward(x, { causal: true }).data)).toBeLessThan(1e-14);
  });

  it('names itself and the shapes on bad input', () => {
    expect(() => new PreLNBlock(config).forward(new Variable(randn([2, 3, 5])))).toThrow(/PreLNBlock\(hidden 4\): input must be \[batch, tokens, 4\], got \[2,3,5\]/);
  });
});
