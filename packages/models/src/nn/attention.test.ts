import { describe, expect, it } from 'vitest';
import { Variable, concat, gradcheck, noGrad } from '@glimpse/autograd';
import { Generator, randn, tensor, type Tensor } from '@glimpse/tensor';
import { Attention, multiHeadAttention } from './attention.js';
import { KVCache } from './kv-cache.js';

const f64 = { dtype: 'float64' as const };
let seed = 100;
const x64 = (...shape: number[]) => randn(shape, { ...f64, seed: seed++ });
const v64 = (...shape: number[]) => new Variable(x64(...shape));
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

/** Two sequences of 4 tokens; the second has one padding position at the end. */
const padding = tensor([[1, 1, 1, 1], [1, 1, 1, 0]], { dtype: 'int32' });

describe('multiHeadAttention', () => {
  it('is softmax(q·kᵀ/√dh)·v per head, heads side by side', () => {
    const [q, k, v] = [v64(2, 3, 4), v64(2, 5, 4), v64(2, 5, 4)];
    const { output, weights } = multiHeadAttention(q, k, v, { numHeads: 2 });
    expect(output.shape).toEqual([2, 3, 4]);
    expect(weights.shape).toEqual([2, 2, 3, 5]);
    for (let h = 0; h < 2; h++) {
      const [qh, kh, vh] = [q, k, v].map((t) => t.data.narrow(2, 2 * h, 2));
      const expected = qh!.matmul(kh!.transpose()).div(Math.sqrt(2)).softmax(-1).matmul(vh!);
      expect(maxDiff(output.data.narrow(2, 2 * h, 2), expected)).toBeLessThan(1e-14);
    }
    expect(maxDiff(weights.data.sum(-1), tensor(new Float64Array(12).fill(1), { shape: [2, 2, 3] }))).toBeLessThan(1e-14);
  });

  it('gives padded keys exactly zero weight; bool, int and additive masks agree', () => {
    const [q, k] = [v64(2, 4, 4), v64(2, 4, 4)];
    const byInt = multiHeadAttention(q, k, k, { numHeads: 2, mask: padding });
    expect(byInt.weights.data.select(0, 1).narrow(2, 3, 1).abs().max().item()).toBe(0);
    const byBool = multiHeadAttention(q, k, k, { numHeads: 2, mask: padding.ne(0) });
    expect(maxDiff(byBool.output.data, byInt.output.data)).toBe(0);
    // HF's extended mask: (1 − m) · −10000 on [B, 1, 1, Tk]; exp(−10000) underflows to 0 as well.
    const additive = tensor(1, f64).sub(padding.to('float64')).mul(-10000).reshape([2, 1, 1, 4]);
    const byAdd = multiHeadAttention(q, k, k, { numHeads: 2, mask: additive });
    expect(maxDiff(byAdd.output.data, byInt.output.data)).toBeLessThan(1e-14);
  });

  it('causal: query i sees keys ≤ i, shifted by the past length when there are more keys', () => {
    const q = v64(1, 3, 2);
    const k = v64(1, 5, 2);
    const { weights } = multiHeadAttention(q, k, k, { numHeads: 1, causal: true });
    const seen = weights.data.ne(0).to('int32').toArray();
    expect(seen).toEqual([[[[1, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 1, 1, 1, 1]]]]);
    const asBoolMask = tensor(seen as number[][][][], { dtype: 'bool' }); // [1, 1, Tq, Tk]
    expect(maxDiff(multiHeadAttention(q, k, k, { numHeads: 1, mask: asBoolMask }).weights.data, weights.data)).toBe(0);
  });

  it('a query that sees no key gets zero output and no gradient, never NaN', () => {
    const q = new Variable(x64(2, 3, 4), { requiresGrad: true });
    const k = new Variable(x64(2, 3, 4), { requiresGrad: true });
    const empty = tensor([[1, 1, 1], [0, 0, 0]], { dtype: 'int32' });
    const { output } = multiHeadAttention(q, k, k, { numHeads: 2, mask: empty });
    expect(output.data.select(0, 1).abs().max().item()).toBe(0);
    output.sum().backward();
    expect(q.grad!.select(0, 1).abs().max().item()).toBe(0);
    expect(Number.isFinite(k.grad!.sum().item())).toBe(true);
  });

  it('names the caller and the shapes on bad input', () => {
    const [q, k] = [v64(2, 3, 4), v64(2, 5, 4)];
    const opts = { numHeads: 2, name: 'T' };
    expect(() => multiHeadAttention(q, k, k, { ...opts, numHeads: 3 })).toThrow(/T: the width of q is not divisible by the number of heads \(q \[2,3,4\], k \[2,5,4\], v \[2,5,4\], 3 heads\)/);
    expect(() => multiHeadAttention(q, v64(2, 5, 6), v64(2, 5, 6), opts)).toThrow(/T: q and k must have the same width/);
    expect(() => multiHeadAttention(q, v64(3, 5, 4), v64(3, 5, 4), opts)).toThrow(/T: k has another batch size than q/);
    expect(() => multiHeadAttention(q, k, v64(2, 4, 4), opts)).toThrow(/T: k and v must have the same number of tokens/);
    expect(() => multiHeadAttention(q, k, k, { ...opts, mask: padding })).toThrow(/T: a padding mask must be \[B, Tk\] = \[2,5\] or broadcast to the scores \[B,H,Tq,Tk\] = \[2,2,3,5\], got \[2,4\]/);
    expect(() => multiHeadAttention(q, k, k, { ...opts, mask: x64(2, 5) })).toThrow(/T: an additive \(float\) mask must have rank 4 .* got \[2,5\] \(for key padding pass a bool\/int32/);
    expect(() => multiHeadAttention(v64(1, 4, 2), v64(1, 3, 2), v64(1, 3, 2), { numHeads: 1, causal: true })).toThrow(/causal attention needs at least as many keys as queries, got 4 queries and 3 keys/);
    expect(() => multiHeadAttention(q, undefined, undefined, opts)).toThrow(/T: k and v are needed without a frozen cross-attention cache/);
  });
});

const hfClipAttentionKeys = ['k_proj.bias', 'k_proj.weight', 'out_proj.bias', 'out_proj.weight', 'q_proj.bias', 'q_proj.weight', 'v_proj.bias', 'v_proj.weight'];

describe('Attention (HF CLIP self_attn)', () => {
  const make = (opts = {}) => new Attention(4, 2, { ...f64, generator: new Generator(1), ...opts });

  it('has exactly the HF CLIPAttention keys; qkvBias: false drops the q/k/v biases', () => {
    expect(make().namedParameters().map(([n]) => n).sort()).toEqual(hfClipAttentionKeys);
    expect(make({ qkvBias: false }).namedParameters().map(([n]) => n).sort()).toEqual(['k_proj.weight', 'out_proj.bias', 'out_proj.weight', 'q_proj.weight', 'v_proj.weight']);
  });

  it('gradchecks as self, causal, padded and additively masked attention', () => {
    const attn = make();
    const params = { params: attn.parameters() };
    gradcheck((x) => attn.forward(x), [x64(2, 4, 4)], params);
    gradcheck((x) => attn.forward(x, { causal: true }), [x64(2, 4, 4)], params);
    gradcheck((x) => attn.forward(x, { mask: padding, causal: true }), [x64(2, 4, 4)], params);
    const additive = x64(2, 1, 4, 4);
    gradcheck((x) => attn.forward(x, { mask: additive }), [x64(2, 4, 4)], params);
  });

  it('gradchecks as cross-attention with other lengths and widths', () => {
    const attn = new Attention(4, 2, { ...f64, kvDim: 6, generator: new Generator(2) });
    expect(attn.k_proj.weight.shape).toEqual([4, 6]);
    const contextMask = tensor([[1, 1, 1, 1, 1], [1, 1, 0, 1, 0]], { dtype: 'bool' });
    gradcheck((x, c) => attn.forward(x, { context: c, mask: contextMask }), [x64(2, 3, 4), x64(2, 5, 6)], { params: attn.parameters() });
    expect(() => attn.forward(v64(2, 3, 4))).toThrow(/Attention\(dim 4, 2 heads, kvDim 6\): cross-attention needs a context of width 6/);
    expect(() => attn.forward(v64(2, 3, 4), { context: v64(2, 5, 4) })).toThrow(/Attention\(dim 4, 2 heads, kvDim 6\): context must be \[batch, tokens, 6\], got \[2,5,4\]/);
    expect(() => attn.forward(v64(2, 3, 5), { context: v64(2, 5, 6) })).toThrow(/input must be \[batch, tokens, 4\], got \[2,3,5\]/);
    expect(() => new Attention(6, 4)).toThrow(/Attention: width 6 is not divisible into 4 heads/);
  });

  it('decodes token by token through a KV cache exactly as the full causal pass', () => {
    const attn = make();
    const x = v64(2, 5, 4);
    const mask = tensor([[0, 1, 1, 1, 1], [1, 1, 1, 1, 1]], { dtype: 'int32' }); // left padding in row 0
    const full = attn.forward(x, { causal: true, mask }).data;
    const cache = new KVCache();
    const steps = [0, 1, 2, 3, 4].map((t) => attn.forward(x.narrow(1, t, 1), { causal: true, cache, mask: mask.narrow(1, 0, t + 1) }));
    expect(cache.length).toBe(5);
    expect(maxDiff(concat(steps, 1).data, full)).toBeLessThan(1e-14);
    // Two tokens at a time too: the causal offset is the cached length.
    const cache2 = new KVCache();
    const chunks = [attn.forward(x.narrow(1, 0, 2), { causal: true, cache: cache2 }), attn.forward(x.narrow(1, 2, 3), { causal: true, cache: cache2 })];
    expect(maxDiff(concat(chunks, 1).data, attn.forward(x, { causal: true }).data)).toBeLessThan(1e-14);
  });

  it('a cross cache projects the context once; reorder picks batch rows', () => {
    const attn = new Attention(4, 2, { ...f64, kvDim: 6, generator: new Generator(3) });
    const [x, c] = [v64(2, 3, 4), v64(2, 5, 6)];
    const full = attn.forward(x, { context: c }).data;
    const cache = new KVCache('cross');
    const first = attn.forward(x.narrow(1, 0, 1), { context: c, cache });
    expect(cache.frozen).toBe(true);
    const rest = attn.forward(x.narrow(1, 1, 2), { cache }); // no context needed any more
    expect(maxDiff(concat([first, rest], 1).data, full)).toBeLessThan(1e-14);
    cache.reorder(tensor([1, 1], { dtype: 'int32' }));
    const swapped = attn.forward(x.narrow(0, 1, 1).expand([2, 3, 4]), { cache });
    expect(maxDiff(swapped.data.select(0, 0), full.select(0, 1))).toBeLessThan(1e-14);
    expect(() => multiHeadAttention(v64(2, 1, 4), v64(2, 1, 4), v64(2, 1, 4), { numHeads: 2, cache, name: 'X' })).toThrow(/X: this cross-attention cache already holds the encoder keys\/values/);
    const selfCache = new KVCache();
    noGrad(() => attn.forward(x, { context: c, cache: selfCache }));
    expect(() => multiHeadAttention(v64(2, 1, 2), v64(2, 1, 2), v64(2, 1, 2), { numHeads: 1, cache: selfCache, name: 'Y' })).toThrow(/Y: cached keys are \[2,2,5,2\] but new keys are \[2,1,1,2\]/);
  });
});
