/**
 * Activations and normalisations composed from primitives. Each line is the formula; a fused
 * kernel may replace one later for speed without changing its meaning.
 */
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, erf, exp, log, rsqrt, sigmoid, sub, tanh } from './elementwise.js';
import { max, mean, sum } from './reduce.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU: x·Φ(x) with the exact erf (`'none'`), or the tanh approximation (HF `gelu_new`). */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  assertFloat('gelu', x);
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
    return x.mul(0.5).mul(tanh(inner).add(1));
  }
  return x.mul(0.5).mul(erf(x.mul(SQRT1_2)).add(1));
}

/** OpenAI CLIP's QuickGELU: x·sigmoid(1.702x). */
export function quickGelu(x: Tensor): Tensor {
  assertFloat('quickGelu', x);
  return x.mul(sigmoid(x.mul(1.702)));
}

/** exp(x - max) / Σ exp(x - max) along `axis`; subtracting the max keeps exp from overflowing. */
export function softmax(x: Tensor, axis = -1): Tensor {
  assertFloat('softmax', x);
  const d = normalizeAxis('softmax', axis, x.rank);
  if (x.shape[d] === 0) return x.clone(); // nothing to normalise (the max would have no identity)
  const e = exp(sub(x, max(x, d, true)));
  return e.div(sum(e, d, true));
}

/** x - logsumexp(x) along `axis`, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertFloat('logSoftmax', x);
  const d = normalizeAxis('logSoftmax', axis, x.rank);
  if (x.shape[d] === 0) return x.clone();
  const shifted = sub(x, max(x, d, true));
  return shifted.sub(log(sum(exp(shifted), d, true)));
}

/**
 * Layer normalisation over the trailing `normalizedShape.length` dims, with biased variance
 * (as PyTorch), then an optional element-wise affine `weight`·x̂ + `bias`.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  const axes = layerNormAxes(x, normalizedShape, weight, bias);
  let y = standardize(x, axes, eps).xhat;
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** Checks layerNorm's arguments and returns the axes it normalises over. */
export function layerNormAxes(x: Tensor, normalizedShape: readonly number[], weight?: Tensor, bias?: Tensor): number[] {
  assertFloat('layerNorm', x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.rank - k);
  if (k === 0 || k > x.rank || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new Error(`layerNorm: normalizedShape [${normalizedShape.join(',')}] does not match the trailing dims of [${x.shape.join(',')}]`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.rank !== k || p.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new Error(`layerNorm: ${name} has shape [${p.shape.join(',')}], expected [${normalizedShape.join(',')}]`);
    }
  }
  return [...Array(k).keys()].map((i) => x.rank - k + i);
}

/** x̂ = (x - mean) · rstd with rstd = 1/√(biased var + eps), over `axes` (kept as size 1 in rstd). */
export function standardize(x: Tensor, axes: readonly number[], eps: number): { xhat: Tensor; rstd: Tensor } {
  const centred = sub(x, mean(x, axes, true));
  const rstd = rsqrt(mean(centred.mul(centred), axes, true).add(eps));
  return { xhat: centred.mul(rstd), rstd };
}
