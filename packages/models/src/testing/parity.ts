/**
 * How model-level PyTorch parity is measured (tests only). Per tensor: the max-norm relative
 * error max|ours − torch| / max|torch|, so tiny entries are judged against their tensor's scale.
 *
 * Key-bias gradients are exactly zero in theory (softmax ignores a shift shared by all keys), so
 * both sides hold rounding noise; they are judged against the scale of the matching key weight's
 * gradient instead.
 */
import type { Tensor } from '@glimpse/tensor';

export function maxNormRelError(ours: Tensor, ref: Tensor, scaleOf: Tensor = ref): number {
  if (ours.shape.join() !== ref.shape.join()) throw new Error(`parity: shape [${ours.shape.join(',')}] vs reference [${ref.shape.join(',')}]`);
  const scale = scaleOf.abs().max().item();
  return ours.to('float64').sub(ref.to('float64')).abs().max().item() / (scale || 1);
}

const KEY_BIAS = /(^|\.)(k_proj|key)\.bias$/;

/** The tensor whose magnitude a gradient named `name` is judged against (see above). */
export function gradientScale(name: string, gradOf: (name: string) => Tensor | undefined): Tensor | undefined {
  return KEY_BIAS.test(name) ? gradOf(name.replace(/bias$/, 'weight')) : gradOf(name);
}
