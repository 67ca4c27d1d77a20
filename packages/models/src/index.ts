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
export { multiHeadAttention, splitHeads, mergeHeads, Attention, type MultiHeadAttentionOptions, type AttentionResult, type AttentionOptions, type AttentionForwardOptions } from './nn/attention.js';
export type { AttentionMask } from './nn/attention-mask.js';
export { KVCache } from './nn/kv-cache.js';
export { PreLNBlock, type PreLNBlockConfig, type PreLNBlockOptions, type SelfAttention } from './nn/pre-ln-block.js';
export { BertLayer, BertAttention, BertSelfAttention, BertOutput, BertIntermediate, resolveBertLayerConfig, type BertLayerConfig, type ResolvedBertLayerConfig, type BertLayerCache, type BertLayerForwardOptions } from './nn/bert-layer.js';
