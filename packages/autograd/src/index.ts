/**
 * @glimpse/autograd — reverse-mode automatic differentiation over @glimpse/tensor.
 *
 * ```ts
 * import { Variable, gradcheck } from '@glimpse/autograd';
 * const w = new Variable(randn([3, 2]), { requiresGrad: true });
 * const loss = x.matmul(w).relu().sum();
 * loss.backward(); // w.grad is ∂loss/∂w
 * ```
 */
export { Variable, Parameter, type BackwardRule, type VarLike } from './variable.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
export { gradcheckAgainstCpu, type DeviceGradcheckOptions } from './gradcheck-device.js';
export { valueAndGrad, grad } from './functional.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, sqrt, rsqrt, tanh, sigmoid, relu, erf, sin, cos,
  clamp, where, cast,
  view, reshape, squeeze, unsqueeze, flatten, contiguous, permute, transpose, expand, slice, narrow, select,
  sum, mean, prod, max, min, logsumexp, variance,
  matmul, gather, indexSelect, scatterAdd, concat, stack, split, chunk,
  gelu, quickGelu, softmax, logSoftmax, layerNorm, triu, tril,
  crossEntropy, type CrossEntropyOptions,
} from './ops/index.js';
