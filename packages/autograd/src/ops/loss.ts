/** Cross-entropy, composed from recorded ops so its gradient needs no rule of its own. */
import * as T from '@glimpse/tensor';
import type { Tensor } from '@glimpse/tensor';
import { Variable, type VarLike } from '../variable.js';
import { logSoftmax } from './activation.js';
import { where } from './elementwise.js';
import { gather } from './indexing.js';

/** Options of `crossEntropy`: ignored target id, label smoothing and reduction. */
export interface CrossEntropyOptions {
  /** Targets equal to this id contribute nothing (and are not counted by the mean). Default -100. */
  ignoreIndex?: number;
  /** ε: the target becomes (1−ε)·one-hot + ε/C (Szegedy et al.; BLIP's LM uses 0.1). Default 0. */
  labelSmoothing?: number;
  /** 'mean' over counted targets (default), 'sum', or 'none' (per-target losses). */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Cross-entropy of `logits` [..., C] (classes on the last dim, as in `logits.view(-1, V)`)
 * against int32 class ids [...] or float class probabilities [..., C].
 * loss = −(1−ε)·log p[target] − ε·mean_c log p[c], averaged over the targets that are not ignored.
 */
export function crossEntropy(logits: VarLike, target: Tensor, opts: CrossEntropyOptions = {}): Variable {
  const { ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' } = opts;
  const x = logits instanceof Variable ? logits : new Variable(logits as Tensor);
  if (!T.isFloat(x.dtype) || x.rank < 1) throw new Error(`crossEntropy: logits must be a float tensor [..., C], got ${x.dtype} [${x.shape.join(',')}]`);
  if (labelSmoothing < 0 || labelSmoothing > 1) throw new Error(`crossEntropy: labelSmoothing must lie in [0, 1], got ${labelSmoothing}`);
  const C = x.shape[x.rank - 1]!;
  const logp = logSoftmax(x, -1);
  if (T.isFloat(target.dtype)) {
    if (target.shape.join() !== x.shape.join()) throw new Error(`crossEntropy: probability targets must have the logits' shape [${x.shape.join(',')}], got [${target.shape.join(',')}]`);
    const smoothed = target.to(x.dtype).mul(1 - labelSmoothing).add(labelSmoothing / C);
    const perTarget = logp.mul(smoothed).sum(-1).neg();
    return reduce(perTarget, reduction, perTarget.size);
  }
  if (target.dtype !== 'int32') throw new Error(`crossEntropy: class targets must be int32, got ${target.dtype}`);
  if (target.shape.join() !== x.shape.slice(0, -1).join()) {
    throw new Error(`crossEntropy: targets of shape [${target.shape.join(',')}] do not match logits [${x.shape.join(',')}] (expected [${x.shape.slice(0, -1).join(',')}])`);
  }
  const counted = target.ne(ignoreIndex);
  const safeTarget = T.where(counted, target, 0).to('int32');
  const outOfRange = safeTarget.lt(0).logicalOr(safeTarget.ge(C)).sum().item();
  if (outOfRange > 0) throw new Error(`crossEntropy: ${outOfRange} target(s) lie outside [0, ${C}) and are not ignoreIndex ${ignoreIndex}`);
  let perTarget = gather(logp, -1, safeTarget.unsqueeze(-1)).squeeze(-1).neg();
  if (labelSmoothing > 0) perTarget = perTarget.mul(1 - labelSmoothing).add(logp.mean(-1).neg().mul(labelSmoothing));
  perTarget = where(counted, perTarget, 0);
  return reduce(perTarget, reduction, counted.sum().item());
}

function reduce(perTarget: Variable, reduction: 'mean' | 'sum' | 'none', count: number): Variable {
  if (reduction === 'none') return perTarget;
  const total = perTarget.sum();
  return reduction === 'sum' ? total : total.div(count); // 0/0 = NaN when every target is ignored, as in PyTorch
}

