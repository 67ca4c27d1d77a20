import { describe, expect, it } from 'vitest';
import { Variable, gradcheck } from '@glimpse/autograd';
import { Generator, randn, tensor } from '@glimpse/tensor';
import { activation } from './activation.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { normal, truncNormal, uniform } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';

const f64 = { dtype: 'float64' as const };
const x64 = (...shape: number[]) => randn(shape, { ...f64, seed: shape.reduce((a, b) => a * 7 + b, 3) });

describe('Linear', () => {
  it('stores W as [out, in] and computes x·Wᵀ + b', () => {
    const lin = new Linear(3, 2);
    lin.weight.assign(tensor([[1, 0, 2], [0, 1, 0]]));
    lin.bias!.assign(tensor([10, 20]));
    expect(lin.forward(new Variable(tensor([[1, 2, 3]]))).data.toArray()).toEqual([[17, 22]]);
  });

  it('is initialised U(−1/√in, 1/√in), reproducibly by generator', () => {
    const a = new Linear(16, 8, { generator: new Generator(1) });
    const b = new Linear(16, 8, { generator: new Generator(1) });
    expect(a.weight.data.toArray()).toEqual(b.weight.data.toArray());
    expect(a.weight.data.abs().max().item()).toBeLessThanOrEqual(0.25);
  });

  it('gradchecks with and without bias, and names a width mismatch', () => {
    const lin = new Linear(4, 3, f64);
    gradcheck((x) => lin.forward(x), [x64(2, 5, 4)], { params: lin.parameters() });
    const noBias = new Linear(4, 3, { ...f64, bias: false });
    expect(noBias.bias).toBeUndefined();
    gradcheck((x) => noBias.forward(x), [x64(3, 4)]);
    expect(() => lin.forward(new Variable(x64(2, 5)))).toThrow(/Linear\(4 → 3\): input has 5 features \(shape \[2,5\]\)/);
  });
});

describe('LayerNorm, Embedding, MLP, activations', () => {
  it('LayerNorm gradchecks through its parameters', () => {
    const ln = new LayerNorm(4, 1e-6, f64);
    ln.weight.assign(x64(4));
    ln.bias.assign(x64(4).add(1));
    gradcheck((x) => ln.forward(x), [x64(2, 3, 4)], { params: ln.parameters() });
    ln.zeroGrad();
    ln.forward(new Variable(x64(2, 4))).sum().backward();
    expect(ln.bias.grad!.toArray()).toEqual([2, 2, 2, 2]);
  });

  it('Embedding looks up rows; repeated ids accumulate; the padding row gets no gradient', () => {
    const emb = new Embedding(4, 2, { ...f64, paddingIdx: 0 });
    const ids = tensor([[0, 2, 2], [3, 0, 2]], { dtype: 'int32' });
    const out = emb.forward(ids);
    expect(out.shape).toEqual([2, 3, 2]);
    expect(out.data.select(0, 0).select(0, 1).toArray()).toEqual(emb.weight.data.select(0, 2).toArray());
    out.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([[0, 0], [0, 0], [3, 3], [1, 1]]);
    expect(() => emb.forward(tensor([1]))).toThrow(/ids must be int32, got float32/);
    // Without a padding row the lookup's gradient is the true one (the padding row's is zeroed by design).
    const plain = new Embedding(4, 2, f64);
    gradcheck(() => plain.forward(ids).sin(), [], { params: plain.parameters() });
  });

  it('MLP is fc2(act(fc1(x))) and gradchecks for every HF activation', () => {
    for (const act of ['gelu', 'gelu_new', 'quick_gelu', 'relu']) {
      const mlp = new MLP(3, 5, act, f64);
      gradcheck((x) => mlp.forward(x), [x64(2, 3)], { params: mlp.parameters() });
    }
    expect(() => activation('swishy')).toThrow(/unknown hidden_act 'swishy' \(known: gelu, gelu_new/);
  });
});

describe('Dropout', () => {
  it('keeps the mean, zeroes about p, is seeded, and is the identity in eval', () => {
    const x = new Variable(tensor(new Float32Array(20000).fill(1)));
    const drop = new Dropout(0.25, { seed: 3 });
    const y = drop.forward(x).data;
    const zeros = y.eq(0).sum().item();
    expect(Math.abs(zeros / 20000 - 0.25)).toBeLessThan(0.015); // ~5 standard errors
    expect(y.max().item()).toBeCloseTo(1 / 0.75, 6);
    expect(new Dropout(0.25, { seed: 3 }).forward(x).data.toArray()).toEqual(y.toArray());
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(() => new Dropout(1)).toThrow(/p must lie in \[0, 1\), got 1/);
  });
});

describe('init', () => {
  it('normal, uniform and truncated normal have the asked moments and bounds', () => {
    const g = new Generator(5);
    const n = normal([20000], 0.02, { generator: g, ...f64 });
    expect(Math.abs(n.mean().item())).toBeLessThan(0.02 * 5 / Math.sqrt(20000));
    expect(Math.abs(Math.sqrt(n.var().item()) - 0.02)).toBeLessThan(0.001);
    const t = truncNormal([20000], 1, { generator: g, ...f64 }, -0.5, 0.5);
    expect(t.abs().max().item()).toBeLessThanOrEqual(0.5);
    const u = uniform([1000], -3, -2, { generator: g });
    expect(u.min().item()).toBeGreaterThanOrEqual(-3);
    expect(u.max().item()).toBeLessThan(-2);
    expect(normal([3], 1, { generator: new Generator(9) }).toArray()).toEqual(normal([3], 1, { generator: new Generator(9) }).toArray());
  });
});
