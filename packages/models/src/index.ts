/**
 * @glimpse/models — nn modules with Hugging Face names, and (next) CLIP and BLIP.
 * File access lives in `@glimpse/models/node`.
 */
export { Module, type LoadResult } from './nn/module.js';
export { Linear } from './nn/linear.js';
export { LayerNorm } from './nn/layer-norm.js';
export { Embedding } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { MLP } from './nn/mlp.js';
export { ACTIVATIONS, activation, type Activation } from './nn/activation.js';
export * as init from './nn/init.js';
export type { InitOptions } from './nn/init.js';
