import { noGrad, type Parameter } from '@glimpse/autograd';
import type { Module } from '@glimpse/models';

/**
 * Exponential moving average of weights: target ← m·target + (1 − m)·source, parameter by
 * parameter (BLIP/ALBEF momentum encoders use m = 0.995). Both modules must have the same
 * parameter names and shapes.
 */
export function emaUpdate(target: Module, source: Module, momentum: number): void {
  const sourceParams = new Map(source.namedParameters());
  noGrad(() => {
    for (const [name, t] of target.namedParameters()) {
      const s = sourceParams.get(name);
      if (!s) throw new Error(`emaUpdate: the source has no parameter '${name}'`);
      t.assign(t.data.mul(momentum).add(s.data.mul(1 - momentum)));
    }
  });
}

/** Keeps CLIP's logit scale in [0, ln 100] after each step (open_clip), so exp(scale) ≤ 100. */
export function clampLogitScale(logitScale: Parameter, max = Math.log(100)): void {
  logitScale.assign(logitScale.data.clamp(0, max));
}
