import type { Tensor } from '@glimpse/tensor';
import { Optimizer, type GroupOptions, type ParamsInput } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/**
 * Stochastic gradient descent as torch.optim.SGD: d = g + λp (L2 weight decay, coupled);
 * with momentum μ, b ← μb + (1 − dampening)d (b = d on the first step), then d = b, or
 * d + μb with Nesterov; p ← p − lr·d.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super(params, { weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, ...options });
    for (const g of this.groups) {
      if (g.options.nesterov && (g.options.momentum <= 0 || g.options.dampening !== 0)) throw new Error('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected update(p: Tensor, g: Tensor, s: Record<string, Tensor | number>, o: SGDOptions): Tensor {
    let d = o.weightDecay ? g.add(p.mul(o.weightDecay)) : g;
    if (o.momentum) {
      const previous = s['momentumBuffer'] as Tensor | undefined;
      const buf = previous ? previous.mul(o.momentum).add(d.mul(1 - o.dampening)) : d;
      s['momentumBuffer'] = buf;
      d = o.nesterov ? d.add(buf.mul(o.momentum)) : buf;
    }
    return p.sub(d.mul(o.lr));
  }
}
