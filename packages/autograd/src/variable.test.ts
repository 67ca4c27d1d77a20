import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '@glimpse/tensor';
import { Parameter, Variable, enableGrad, isGradEnabled, noGrad } from './index.js';

const v = (data: number[], requiresGrad = true) => new Variable(tensor(data, { dtype: 'float64' }), { requiresGrad });

describe('Variable and backward', () => {
  it('computes d(x·y + x)/dx = y + 1 and d/dy = x', () => {
    const x = v([2, 3]);
    const y = v([5, 7]);
    x.mul(y).add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 8]);
    expect(y.grad!.toArray()).toEqual([2, 3]);
  });

  it('accumulates gradients across backward calls until zeroGrad', () => {
    const x = v([1, 2]);
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeUndefined();
  });

  it('sums the gradients of a Variable used twice (diamond graph)', () => {
    const x = v([3]);
    const a = x.mul(2);
    a.mul(a).sum().backward(); // d(4x²)/dx = 8x
    expect(x.grad!.toArray()).toEqual([24]);
  });

  it('frees the graph after backward; a second pass is a clear error unless retainGraph', () => {
    const x = v([1, 2]);
    const loss = x.exp().sum();
    loss.backward();
    expect(() => loss.backward()).toThrow(/already freed.*retainGraph/);
    const y = v([1, 2]);
    const kept = y.exp().sum();
    kept.backward(undefined, { retainGraph: true });
    kept.backward();
    expect(y.grad!.toArray()).toEqual([2 * Math.E, 2 * Math.exp(2)]);
  });

  it('errors when part of a graph was freed by an earlier backward', () => {
    const x = v([1, 2]);
    const shared = x.mul(2);
    shared.sum().backward();
    expect(() => shared.mul(3).sum().backward()).toThrow(/already freed/);
  });

  it('needs a gradient for a non-scalar output, of the right shape', () => {
    const x = v([1, 2]);
    expect(() => x.mul(2).backward()).toThrow(/non-scalar output of shape \[2\]/);
    expect(() => x.mul(2).backward(tensor([1, 1, 1], { dtype: 'float64' }))).toThrow(/gradient shape \[3\] does not match output shape \[2\]/);
    x.mul(2).backward(tensor([1, 10], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  it('never gives int or bool tensors a gradient', () => {
    expect(() => new Variable(tensor([1, 2], { dtype: 'int32' }), { requiresGrad: true })).toThrow(/only float tensors can require gradients, got int32/);
    const ids = new Variable(tensor([0, 1], { dtype: 'int32' }));
    const w = v([10, 20, 30]);
    w.gather(0, ids.data).sum().backward();
    expect(ids.grad).toBeUndefined();
    expect(w.grad!.toArray()).toEqual([1, 1, 0]);
  });

  it('does not record inside noGrad, and enableGrad re-enables', () => {
    const x = v([1]);
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.op).toBeUndefined();
    expect(() => y.backward()).toThrow(/does not require grad/);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const z = enableGrad(() => x.mul(2));
      expect(z.requiresGrad).toBe(true);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('restores the grad mode when the function throws', () => {
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('detach cuts the graph; retainGrad keeps a non-leaf gradient', () => {
    const x = v([2]);
    const h = x.mul(3).retainGrad();
    const d = h.detach();
    expect(d.requiresGrad).toBe(false);
    h.mul(h).sum().backward();
    expect(h.grad!.toArray()).toEqual([12]);
    expect(x.grad!.toArray()).toEqual([36]);
  });

  it('records op names and inputs (the graph a learner can print)', () => {
    const x = v([1]);
    const y = x.exp().mul(2);
    expect(y.op).toBe('mul');
    expect(y.inputs[0]!.op).toBe('exp');
    expect(y.inputs[0]!.inputs[0]).toBe(x);
    expect(x.isLeaf).toBe(true);
    expect(y.toString()).toMatch(/gradFn=mul\)$/);
  });

  it('Parameter requires grad by default; constants do not', () => {
    const p = new Parameter(zeros([2], { dtype: 'float64' }));
    expect(p.requiresGrad).toBe(true);
    const y = p.add(tensor([1, 2], { dtype: 'float64' }));
    expect(y.inputs[1]!.requiresGrad).toBe(false);
  });

  it('assign replaces a leaf value (optimizer steps) and checks shape, dtype and leafness', () => {
    const w = v([1, 2]);
    w.assign(tensor([3, 4], { dtype: 'float64' }));
    expect(w.data.toArray()).toEqual([3, 4]);
    expect(() => w.assign(tensor([1, 2, 3], { dtype: 'float64' }))).toThrow(/expected float64 \[2\], got float64 \[3\]/);
    expect(() => w.mul(2).assign(tensor([1, 2], { dtype: 'float64' }))).toThrow(/only leaf Variables can be assigned, this one was made by 'mul'/);
  });

  it('cannot switch off requiresGrad on a non-leaf', () => {
    const y = v([1]).mul(2);
    expect(() => (y.requiresGrad = false)).toThrow(/non-leaf.*detach/);
  });
});
