/**
 * @glimpse/tensor — strided n-d tensors on a small backend interface.
 *
 * ```ts
 * import { tensor, randn, matmul } from '@glimpse/tensor';
 * const x = randn([2, 3], { seed: 0 });
 * const y = matmul(x, x.transpose()); // [2, 2]
 * ```
 */
export { Tensor, type TensorLike } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export { isFloat, promoteTypes, resultType } from './dtype.js';
export type { Shape } from './shape.js';
export { broadcastShapes, contiguousStrides, sizeOf } from './shape.js';
export type { Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from './backend.js';
export { getBackend, listBackends, registerBackend, setBackend } from './backend.js';
export { tidy, keep, dispose } from './memory.js';
export { Generator, manualSeed, getDefaultGenerator, type RandomOptions } from './random.js';
export * from './ops/create.js';
export * from './views.js';
export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge,
  logicalAnd, logicalOr, logicalNot, neg, abs, sign, relu, floor, exp, log, sqrt, rsqrt,
  tanh, sigmoid, erf, sin, cos, where, clamp,
} from './ops/elementwise.js';
export { gelu, quickGelu, softmax, logSoftmax, layerNorm, layerNormAxes, standardize } from './ops/activation.js';
export { sum, prod, max, min, argmax, argmin, mean, variance, logsumexp } from './ops/reduce.js';
export { matmul } from './ops/matmul.js';
export { gather, indexSelect, scatterAdd, oneHot, selectionIndex } from './ops/indexing.js';
export { concat, stack, split, chunk } from './ops/join.js';
export { triu, tril } from './ops/triangular.js';
export { fromNdarray, toNdarray } from './ndarray.js';
export { parseSafetensors, serializeSafetensors, type SafetensorsContents, type SerializeSafetensorsOptions } from './safetensors.js';
