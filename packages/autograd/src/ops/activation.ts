/**
 * Activations and normalisations with fused backward rules: one formula for the derivative
 * instead of the graph of their primitives (cheaper, and no exp/log round trips).
 */
import * as T from '@glimpse/tensor';
import type { Tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { unbroadcast } from './util.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** d/dx [x·Φ(x)] = Φ(x) + x·φ(x); tanh form: 0.5(1+t) + 0.5x(1-t²)·√(2/π)(1 + 3·0.044715x²). */
export function gelu(x: Variable, approximate: 'none' | 'tanh' = 'none'): Variable {
  const out = T.gelu(x.data, approximate);
  return Variable.fromOp('gelu', out, [x], (g) => {
    const v = x.data;
    if (approximate === 'tanh') {
      const t = v.add(v.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI).tanh();
      const du = v.mul(v).mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
      return [g.mul(t.add(1).mul(0.5).add(v.mul(0.5).mul(T.sub(1, t.mul(t))).mul(du)))];
    }
    const cdf = v.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = v.mul(v).mul(-0.5).exp().mul(INV_SQRT_2PI);
    return [g.mul(cdf.add(v.mul(pdf)))];
  });
}

/** d/dx [x·σ(1.702x)] = σ + 1.702·x·σ(1-σ). */
export function quickGelu(x: Variable): Variable {
  const out = T.quickGelu(x.data);
  return Variable.fromOp('quickGelu', out, [x], (g) => {
    const s = x.data.mul(1.702).sigmoid();
    return [g.mul(s.add(x.data.mul(1.702).mul(s).mul(T.sub(1, s))))];
  });
}

/** ∂softmax: y ⊙ (g − Σ g⊙y). */
export function softmax(x: Variable, axis = -1): Variable {
  const out = T.softmax(x.data, axis);
  return Variable.fromOp('softmax', out, [x], (g) => [out.mul(g.sub(g.mul(out).sum(axis, true)))]);
}

/** ∂logSoftmax: g − softmax ⊙ Σ g. */
export function logSoftmax(x: Variable, axis = -1): Variable {
  const out = T.logSoftmax(x.data, axis);
  return Variable.fromOp('logSoftmax', out, [x], (g) => [g.sub(out.exp().mul(g.sum(axis, true)))]);
}

/**
 * LayerNorm y = x̂·w + b with x̂ = (x − μ)·rstd. With ĝ = g·w:
 * ∂x = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), ∂w = Σ g ⊙ x̂, ∂b = Σ g (over the batch dims).
 */
export function layerNorm(x: Variable, normalizedShape: readonly number[], weight?: Variable, bias?: Variable, eps = 1e-5): Variable {
  const axes = T.layerNormAxes(x.data, normalizedShape, weight?.data, bias?.data);
  const { xhat, rstd } = T.standardize(x.data, axes, eps);
  let out = xhat;
  if (weight) out = out.mul(weight.data);
  if (bias) out = out.add(bias.data);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return Variable.fromOp('layerNorm', out, inputs, (g) => {
    const gh: Tensor = weight ? g.mul(weight.data) : g;
    const dx = gh.sub(gh.mean(axes, true)).sub(xhat.mul(gh.mul(xhat).mean(axes, true))).mul(rstd);
    return [dx, ...(weight ? [unbroadcast(g.mul(xhat), weight.shape)] : []), ...(bias ? [unbroadcast(g, bias.shape)] : [])];
  });
}

/** Keeps the upper (triu) or lower (tril) triangle; the gradient is masked the same way. */
export function triu(x: Variable, diagonal = 0): Variable {
  return Variable.fromOp('triu', x.data.triu(diagonal), [x], (g) => [g.triu(diagonal)]);
}

/** Keeps the lower triangle of the last two dims (j − i ≤ `diagonal`), recorded; the gradient is masked the same way. */
export function tril(x: Variable, diagonal = 0): Variable {
  return Variable.fromOp('tril', x.data.tril(diagonal), [x], (g) => [g.tril(diagonal)]);
}
