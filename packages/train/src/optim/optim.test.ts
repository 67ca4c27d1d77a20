import { describe, expect, it } from 'vitest';
import { Parameter } from '@glimpse/autograd';
import { CLIPModel, LayerNorm, Linear, Module } from '@glimpse/models';
import { tensor } from '@glimpse/tensor';
import { clampLogitScale, emaUpdate } from '../ema.js';
import { AdamW } from './adam.js';
import { clipGradNorm } from './clip-grad.js';
import { isNoDecay, weightDecayGroups } from './param-groups.js';
import { SGD } from './sgd.js';

describe('parameter groups', () => {
  it('exclude biases, norms, position/class embeddings and the temperature from weight decay', () => {
    const model = CLIPModel.create({
      projection_dim: 4,
      text_config: { vocab_size: 16, hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 4 },
      vision_config: { hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 2, image_size: 4, patch_size: 2 },
    });
    const [decay, noDecay] = weightDecayGroups(model, 0.2);
    const names = new Map(model.namedParameters().map(([n, p]) => [p, n]));
    const decayed = decay!.params.map((p) => names.get(p)!);
    expect(decayed).toContain('text_model.encoder.layers.0.self_attn.q_proj.weight');
    expect(decayed).toContain('visual_projection.weight');
    expect(decayed).toContain('text_model.embeddings.token_embedding.weight');
    for (const n of decayed) expect(n).not.toMatch(/bias|layer_norm|position_embedding|class_embedding|logit_scale|layrnorm|layernorm/);
    expect(noDecay!.weightDecay).toBe(0);
    expect(decay!.params.length + noDecay!.params.length).toBe(model.parameters().length);
    expect(isNoDecay('temp', new Parameter(tensor(0.07)))).toBe(true);
  });
});

describe('optimizer mechanics', () => {
  it('groups carry their own options; a parameter may be in one group only', () => {
    const a = new Parameter(tensor([1, 1]));
    const b = new Parameter(tensor([1, 1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    b.grad = tensor([1, 1]);
    opt.step();
    expect(a.data.toArray()).toEqual([0.8999999761581421, 0.8999999761581421]);
    expect(b.data.toArray()).toEqual([0.5, 0.5]);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 1 })).toThrow(/more than one group/);
    expect(() => new SGD([a], { lr: 1, nesterov: true })).toThrow(/Nesterov momentum needs momentum > 0/);
  });

  it('skips parameters without a gradient, and zeroGrad clears them', () => {
    const a = new Parameter(tensor([1]));
    const opt = new AdamW([a], { lr: 0.1 });
    opt.step();
    expect(a.data.item()).toBe(1);
    a.grad = tensor([1]);
    opt.zeroGrad();
    expect(a.grad).toBeUndefined();
  });

  it('stateDict/loadStateDict resume the same trajectory', () => {
    const run = (resumeAt?: number) => {
      const p = new Parameter(tensor([1, -2, 3], { dtype: 'float64' }));
      let opt = new AdamW([p], { lr: 0.1, weightDecay: 0.1 });
      for (let i = 0; i < 6; i++) {
        if (i === resumeAt) {
          const saved = opt.stateDict();
          opt = new AdamW([p], { lr: 0.1, weightDecay: 0.1 });
          opt.loadStateDict(saved);
        }
        p.grad = tensor([i, 1 - i, 0.5], { dtype: 'float64' });
        opt.step();
      }
      return p.data.toArray();
    };
    expect(run(3)).toEqual(run());
    const opt = new AdamW([new Parameter(tensor([1]))], { lr: 1 });
    expect(() => opt.loadStateDict({ state: {}, groups: [] })).toThrow(/saved 0 groups, this optimizer has 1/);
    expect(() => opt.loadStateDict({ state: { '0': { expAvg: tensor([1, 2]) } }, groups: [{ lr: 1, weightDecay: 0 }] })).toThrow(/buffer 'expAvg' of parameter 0 is \[2\], the parameter is \[1\]/);
  });
});

describe('clipping, EMA, logit scale', () => {
  it('clipGradNorm scales to the global norm and returns the norm before', () => {
    const a = new Parameter(tensor([3, 0]));
    const b = new Parameter(tensor([4]));
    a.grad = tensor([3, 0]);
    b.grad = tensor([4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(a.grad.toArray()[0]).toBeCloseTo(0.6, 5);
    expect(b.grad.toArray()[0]).toBeCloseTo(0.8, 5);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5); // under the limit: unchanged
    b.grad = tensor([NaN]);
    expect(() => clipGradNorm([a, b], 1)).toThrow(/gradient norm is NaN/);
  });

  it('emaUpdate moves each target parameter toward the source', () => {
    class Net extends Module {
      lin = new Linear(2, 1);
      ln = new LayerNorm(1);
    }
    const target = new Net();
    const source = new Net();
    const before = target.lin.weight.data;
    emaUpdate(target, source, 0.9);
    const expected = before.mul(0.9).add(source.lin.weight.data.mul(0.1));
    expect(target.lin.weight.data.sub(expected).abs().max().item()).toBeLessThan(1e-7);
  });

  it('clampLogitScale keeps exp(scale) ≤ 100', () => {
    const s = new Parameter(tensor(5));
    clampLogitScale(s);
    expect(s.data.item()).toBeCloseTo(Math.log(100), 6);
  });
});
