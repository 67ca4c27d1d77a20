import type { Parameter } from '@glimpse/autograd';

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm` (torch's
 * clip_grad_norm_), returning the norm before clipping. A non-finite norm is an error: a NaN
 * or Inf gradient is a bug to find, not a step to take.
 */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): number {
  const withGrad = params.filter((p) => p.grad);
  const total = Math.sqrt(withGrad.reduce((s, p) => s + p.grad!.mul(p.grad!).sum().item(), 0));
  if (!Number.isFinite(total)) throw new Error(`clipGradNorm: the gradient norm is ${total}`);
  const scale = maxNorm / (total + 1e-6);
  if (scale < 1) for (const p of withGrad) p.grad = p.grad!.mul(scale);
  return total;
}
