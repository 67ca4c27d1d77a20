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
export { Encoder, type Layer } from './nn/encoder.js';
export { PatchEmbedding } from './vision/patch-embedding.js';
export { VisionEmbeddings, type VisionLayout, type VisionEmbeddingsConfig } from './vision/vision-embeddings.js';
export { VisionTransformer, type VisionTransformerConfig, type VisionTransformerOptions, type VisionOutput } from './vision/vision-transformer.js';
export { clipConfig, CLIP_TEXT_DEFAULTS, CLIP_VISION_DEFAULTS, type CLIPConfig, type CLIPTextConfig, type CLIPVisionConfig, type PartialCLIPConfig } from './clip/config.js';
export { CLIPTextTransformer, CLIPTextEmbeddings, poolAtEndOfText, type TextOutput } from './clip/text-transformer.js';
export { CLIPModel, clipLogits, l2Normalize, type CLIPModelOptions, type CLIPOutput } from './clip/clip-model.js';
export { clipLoss } from './clip/loss.js';
export { initCLIPWeights } from './clip/init.js';
export { readBytes, readText, readJson, writeBytes, writeText, joinLocation } from './io/files.js';
export { classEmbeddings, zeroShotClassify, retrieve, DEFAULT_TEMPLATES, type TextBatcher, type ZeroShotResult, type RetrievalHit, type RetrievalSide } from './clip/zero-shot.js';
export { BertTokenizer, BLIP_ADDED_TOKENS, type BertTokenizerOptions, type BertEncodeOptions, type BertDecodeOptions, type BertCallOptions } from './tokenizers/wordpiece.js';
export { basicTokenize, type BasicTokenizeOptions } from './tokenizers/basic-tokenizer.js';
export { trainWordPiece, DEFAULT_SPECIAL_TOKENS, type TrainWordPieceOptions, type WordPieceScoring } from './tokenizers/train-wordpiece.js';
export { preCaption } from './tokenizers/pre-caption.js';
export { padBatch, type BatchEncoding, type Padding, type PadOptions } from './tokenizers/batch.js';
export { CLIPTokenizer, START_OF_TEXT, END_OF_TEXT, END_OF_WORD, type BpeMerge, type CLIPBatch, type CLIPTokenizerCallOptions, type CLIPTokenizerFiles } from './tokenizers/clip-bpe.js';
export { trainBpe, BPE_BASE_VOCAB_SIZE, type TrainBpeOptions } from './tokenizers/bpe-train.js';
export { cleanClipText, splitClipWords, CLIP_SPLIT } from './tokenizers/clip-text.js';
export { htmlUnescape } from './tokenizers/html-unescape.js';
export { rgbImage, fromRgba, fromGray, type RgbImage } from './image/image.js';
export { resize, resampleCoefficients, RESAMPLE_KERNELS, type ResampleFilter, type Coefficients } from './image/resample.js';
export { resizeShortestSide, shortestSideSize, centerCrop, centerCropBox, crop, type CropBox, type CropRounding } from './image/transforms.js';
export { toTensor, toTensorBatch, CLIP_MEAN, CLIP_STD, type ToTensorOptions } from './image/to-tensor.js';
export { ImageProcessor, CLIPImageProcessor, BlipImageProcessor, imageProcessorFromConfig, imageProcessorKind, loadImageProcessor, type PreprocessorConfigJson, type ImageProcessorOptions, type ResizeSpec } from './image/processor.js';
export type { StepDecoder, DecoderCache } from './generation/decoder.js';
export type { GenerationOptions, GenerationOutput } from './generation/options.js';
export { greedySearch, sample, type SampleOptions } from './generation/search.js';
export { beamSearch, type BeamSearchOptions, type BeamSearchOutput } from './generation/beam-search.js';
export { groundedDecoder, type CrossAttentionLM, type EncoderStates } from './generation/grounded-decoder.js';
