/**
 * @glimpse/train — optimizers, schedules and the pieces of a training loop for Glimpse models.
 * The training loop and checkpoints (which write files) live in `@glimpse/train/node`.
 */
export { Optimizer, type GroupOptions, type ParamGroup, type ParamsInput, type OptimizerState } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { isNoDecay, weightDecayGroups } from './optim/param-groups.js';
export { clipGradNorm } from './optim/clip-grad.js';
export { constant, warmupCosine, warmupStepDecay, type Schedule } from './schedule.js';
export { emaUpdate, clampLogitScale } from './ema.js';
export { accumulateContrastive, type CLIPBatch } from './accumulate.js';
export { clipTask, blipTask, type BLIPLossWeights } from './tasks.js';
export { progressLine } from './progress.js';
export { retrievalMetrics, chanceRecall, summarizeRanks, type RetrievalOptions, type RetrievalMetrics, type RecallResult } from './metrics/retrieval.js';
export { topKAccuracy, type TopKResult } from './metrics/zero-shot.js';
export type { ScoreMatrix, FlatScores, TieRule } from './metrics/scores.js';
export { bleu, type BleuOptions, type BleuResult } from './metrics/bleu.js';
export { ciderD, ciderDocumentFrequency, type CiderOptions, type CiderResult, type DocumentFrequency } from './metrics/cider.js';
export { ptbTokenize, ptbTokenizeCaption } from './metrics/ptb-tokenize.js';
export type { CaptionTokenizer } from './metrics/ngrams.js';
export { captionPairs, retrievalTargets, metaLabels, subsetDataset, type CaptionDataset, type CaptionedImage, type CaptionPair, type ImageRef, type DataOrigin } from './data/dataset.js';
export { IssueLog, formatIssue, warnIssue, type DataIssue, type IssueHandler } from './data/issues.js';
export { augmentImage, randomResizedCropBox, generatorDraws, flipHorizontal, swapLeftRight, DEFAULT_AUGMENT, type AugmentOptions, type Augmented, type CropDraws } from './data/augment.js';
export { mixSeed, permutation, epochOrder, exampleGenerator } from './data/seed.js';
export { applyTransform, collateImages, outputSize, prepareWithOptions, processorOptions, type ImageTransform } from './data/transform.js';
export { InlineFetcher, runImageJob, type ImageFetcher, type ImageJob, type JobResult, type DecodeFile } from './data/fetch.js';
export { CaptionLoader, type LoaderOptions, type CaptionBatch } from './data/loader.js';
export { makeShapes, renderShapes, describeShapes, corruptCaptions, shapesDataset, SHAPE_COLORS, SHAPE_KINDS, RELATIONS, type ShapeKind, type Relation, type ShapeObject, type ShapesItem, type ShapesOptions, type Corruption, type CorruptionKind, type CorruptOptions } from './data/shapes.js';
