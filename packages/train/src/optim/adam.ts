import { zerosLike, type Tensor } from '@glimpse/tensor';
import { Optimizer, type GroupOptions, type ParamsInput } from './optimizer.js';

export interface AdamOptions extends GroupOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * Adam (Kingma & Ba) as torch.optim.Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr · m̂ / (√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 * Weight decay here is L2 (added to g); AdamW decouples it.
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> & { lr: number }) {
    super(params, { weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, ...options });
  }

  protected decoupled = false;

  protected update(p: Tensor, g: Tensor, s: Record<string, Tensor | number>, o: AdamOptions): Tensor {
    let value = p;
    let grad = g;
    if (o.weightDecay) {
      if (this.decoupled) value = p.mul(1 - o.lr * o.weightDecay);
      else grad = g.add(p.mul(o.weightDecay));
    }
    const t = ((s['step'] as number | undefined) ?? 0) + 1;
    const m = ((s['expAvg'] as Tensor | undefined) ?? zerosLike(p)).mul(o.beta1).add(grad.mul(1 - o.beta1));
    const v = ((s['expAvgSq'] as Tensor | undefined) ?? zerosLike(p)).mul(o.beta2).add(grad.mul(grad).mul(1 - o.beta2));
    Object.assign(s, { step: t, expAvg: m, expAvgSq: v });
    const denom = v.sqrt().div(Math.sqrt(1 - o.beta2 ** t)).add(o.eps);
    return value.sub(m.div(denom).mul(o.lr / (1 - o.beta1 ** t)));
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, p ← p·(1 − lr·λ) before the
 * Adam step, so decay does not pass through the adaptive scaling. open_clip: lr 5e-4,
 * betas (0.9, 0.98), eps 1e-6, λ 0.2; BLIP: λ 0.05.
 */
export class AdamW extends Adam {
  protected override decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> & { lr: number }) {
    super(params, { weightDecay: 0.01, ...options });
  }
}
