import type { Parameter } from '@glimpse/autograd';
import type { Module } from '@glimpse/models';

/**
 * Parameters that should not be weight-decayed, as open_clip and BLIP exclude them: gains and
 * biases (anything with fewer than 2 dims: LayerNorm weights, biases), learned position and
 * class embeddings, and the temperature (`logit_scale`, `temp`). Decaying those pulls norms or
 * temperatures toward zero for no regularisation benefit.
 */
export function isNoDecay(name: string, p: Parameter): boolean {
  return p.rank < 2 || /(^|\.)(bias|logit_scale|temp)$/.test(name) || /position_embedding|class_embedding|LayerNorm|layer_?norm|ln_/.test(name);
}

/** Two groups for AdamW: decayed weights and the rest (weightDecay 0). */
export function weightDecayGroups(model: Module, weightDecay: number, noDecay: (name: string, p: Parameter) => boolean = isNoDecay) {
  const named = model.namedParameters().filter(([, p]) => p.requiresGrad);
  return [
    { params: named.filter(([n, p]) => !noDecay(n, p)).map(([, p]) => p), weightDecay },
    { params: named.filter(([n, p]) => noDecay(n, p)).map(([, p]) => p), weightDecay: 0 },
  ];
}
