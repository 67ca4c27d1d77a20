/**
 * Pre-training a BLIP from scratch on a captioned dataset (ITC + ITM with hard negatives + LM):
 * a WordPiece vocabulary learned from the captions (plus [DEC]/[ENC]), a small BLIP sized for the
 * images, AdamW with BLIP's weight decay and no-decay groups, warm-up + cosine, checkpoints with
 * exact resumption (the hard-negative generator included), and a final model directory.
 *
 * The pieces are exported on their own (CapFilt builds on them): `blipTokenizerFor` (the
 * vocabulary), `createBLIP` (model + image processor), `blipCaptionBatcher` (cleaned captions →
 * ids) and `pretrainBLIP` (the training run on an existing model, also used to fine-tune one with
 * other λ weights); `trainBLIPRecipe` chains them and evaluates.
 */
import { join } from 'node:path';
import { BlipImageProcessor, BlipPretrain, preCaption, trainWordPiece, type BertTokenizer, type TextBatcher } from '@glimpse/models';
import { retrievalTargets, type CaptionDataset } from '../data/dataset.js';
import { imagesInMemory } from '../data/in-memory.js';
import { createCaptionLoader } from '../data/node-loader.js';
import { AdamW } from '../optim/adam.js';
import { weightDecayGroups } from '../optim/param-groups.js';
import { warmupCosine } from '../schedule.js';
import { blipTask, type BLIPLossWeights } from '../tasks.js';
import { train, type TrainResult } from '../trainer.js';
import { constantCaptionBaseline, evaluateBLIP } from './blip-eval.js';

/**
 * Model sizes for pre-training from scratch: width, layers and heads of both the ViT and the text model, the
 * ITC embedding width and the ViT patch size; image_size and the vocabulary come from the data.
 */
export const BLIP_PRESETS = {
  tiny: { width: 64, layers: 2, heads: 4, embed: 64, patch: 8 },
  small: { width: 128, layers: 3, heads: 4, embed: 128, patch: 8 },
} as const;

/** Options of `trainBLIPRecipe`: the data, where outputs go, the model size and the training schedule. */
export interface BLIPRecipeOptions {
  /** Training images with their captions (also the source of the WordPiece vocabulary). */
  train: CaptionDataset;
  /** Held-out data, evaluated once training ends (its image files are decoded into memory first). */
  eval?: CaptionDataset;
  outDir: string;
  preset?: keyof typeof BLIP_PRESETS;
  imageSize?: number;
  steps?: number;
  batchSize?: number;
  lr?: number;
  vocabSize?: number;
  maxTokens?: number;
  seed?: number;
  resume?: boolean;
  /** Held-out images captioned and ITM-scored at the end (default 200). */
  evalImages?: number;
  log?: (line: string) => void;
}

/**
 * What `trainBLIPRecipe` returns: the trained model with its tokenizer and image processor, the training
 * record, where the model was saved and, with `eval`, the final metrics and each evaluated image's caption.
 */
export interface BLIPRecipeResult {
  model: BlipPretrain;
  tokenizer: BertTokenizer;
  processor: BlipImageProcessor;
  training: TrainResult;
  metrics?: Record<string, number>;
  captions?: { index: number; caption: string }[];
  modelDir: string;
}

/** A WordPiece vocabulary (plus BLIP's [DEC] and [ENC]) learned from a dataset's captions as BLIP cleans them. */
export function blipTokenizerFor(ds: CaptionDataset, vocabSize = 1000): BertTokenizer {
  return trainWordPiece(retrievalTargets(ds).texts.map((c) => preCaption(c)), vocabSize);
}

/** Size of a BLIP made by `createBLIP`. */
export interface BLIPModelOptions {
  preset?: keyof typeof BLIP_PRESETS;
  /** Pixels per side (default 32). */
  imageSize?: number;
  /** Longest caption in tokens, [CLS]/[SEP] included (default 24). */
  maxTokens?: number;
  /** Seeds the initialisation and the hard-negative generator (default 0). */
  seed?: number;
  /** Overrides the preset's patch size (pixels per side of a ViT patch). */
  patchSize?: number;
}

/** A fresh BLIP sized by a preset for `tokenizer`'s vocabulary, no dropout, and the image processor for its input size. */
export function createBLIP(tokenizer: BertTokenizer, o: BLIPModelOptions = {}): { model: BlipPretrain; processor: BlipImageProcessor } {
  const p = BLIP_PRESETS[o.preset ?? 'tiny'];
  const imageSize = o.imageSize ?? 32;
  const model = BlipPretrain.create({
    image_text_hidden_size: p.embed,
    text_config: {
      vocab_size: tokenizer.tokens.length, hidden_size: p.width, encoder_hidden_size: p.width, intermediate_size: 4 * p.width,
      num_hidden_layers: p.layers, num_attention_heads: p.heads, max_position_embeddings: o.maxTokens ?? 24,
      hidden_dropout_prob: 0, attention_probs_dropout_prob: 0,
      pad_token_id: tokenizer.padId, bos_token_id: tokenizer.decId!, sep_token_id: tokenizer.sepId, eos_token_id: tokenizer.sepId,
    },
    vision_config: { hidden_size: p.width, intermediate_size: 4 * p.width, num_hidden_layers: p.layers, num_attention_heads: p.heads, image_size: imageSize, patch_size: o.patchSize ?? p.patch },
    enc_token_id: tokenizer.encId!,
  }, { seed: o.seed ?? 0 });
  return { model, processor: new BlipImageProcessor({ size: { height: imageSize, width: imageSize } }) };
}

/** Captions → ids for BLIP training: cleaned by `preCaption`, padded to the batch's longest, cut at maxTokens. */
export function blipCaptionBatcher(tokenizer: BertTokenizer, maxTokens = 24): TextBatcher {
  return { call: (texts: readonly string[]) => tokenizer.call(texts.map((c) => preCaption(c)), { padding: 'longest', truncation: true, maxLength: maxTokens }) };
}

/** Options of `pretrainBLIP`. */
export interface PretrainBLIPOptions {
  model: BlipPretrain;
  tokenizer: BertTokenizer;
  processor: BlipImageProcessor;
  train: CaptionDataset;
  /** Checkpoints, metrics.jsonl and the final model/ (model + vocab.txt) go here. */
  outDir: string;
  steps?: number;
  batchSize?: number;
  lr?: number;
  maxTokens?: number;
  /** Seeds the data order and augmentation (default 0). */
  seed?: number;
  /** λ weights of ITC, ITM and LM (default 1 each); fine-tuning a captioner or filter selects losses with them. */
  weights?: BLIPLossWeights;
  /** Warm-up steps (default min(50, steps / 10)). */
  warmupSteps?: number;
  /** Where the cosine ends (default 0); = lr keeps the rate constant after warm-up. */
  minLr?: number;
  /** Checkpoint every this many steps (default steps / 5; the last step always gets one). */
  checkpointEvery?: number;
  resume?: boolean;
  log?: (line: string) => void;
}

/**
 * Trains `model` in place on `train` (one caption drawn per image per epoch; light crop
 * augmentation, no flips since captions say left and right) with AdamW (weight decay 0.05, none on
 * biases/norms), warm-up + cosine and gradient clipping at 1, checkpointing for exact resumption;
 * writes `outDir/model` (config, weights, vocab.txt).
 */
export async function pretrainBLIP(o: PretrainBLIPOptions): Promise<{ training: TrainResult; modelDir: string }> {
  const steps = o.steps ?? 300;
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const { model, tokenizer, processor } = o;
  const loader = createCaptionLoader(o.train, { batchSize: o.batchSize ?? 32, processor, tokenizer: blipCaptionBatcher(tokenizer, o.maxTokens ?? 24), seed: o.seed ?? 0, augment: { scale: [0.8, 1], hflip: 0 }, examples: 'images' });
  const task = blipTask(model, o.weights ? { weights: o.weights } : {});
  const lr = o.lr ?? 1e-3;
  try {
    const training = await train({
      model,
      optimizer: new AdamW(weightDecayGroups(model, 0.05), { lr }),
      data: loader,
      step: task.step,
      batchSize: task.batchSize,
      generators: task.generators,
      totalSteps: steps,
      schedule: warmupCosine({ lr, warmupSteps: o.warmupSteps ?? Math.min(50, Math.floor(steps / 10)), totalSteps: steps, ...(o.minLr !== undefined ? { minLr: o.minLr } : {}) }),
      maxGradNorm: 1,
      checkpointDir: join(o.outDir, 'checkpoints'),
      checkpointEvery: o.checkpointEvery ?? Math.max(Math.floor(steps / 5), 1),
      tokenizer,
      metricsFile: join(o.outDir, 'metrics.jsonl'),
      logEvery: 10,
      resume: o.resume ?? false,
      log,
    });
    const modelDir = join(o.outDir, 'model');
    await model.savePretrained(modelDir);
    await tokenizer.savePretrained(modelDir);
    return { training, modelDir };
  } finally {
    loader.close();
  }
}

/**
 * Pre-trains a BLIP from scratch as described at the top of this file (defaults: preset 'tiny', imageSize 32,
 * steps 300, batchSize 32, lr 1e-3, vocabSize 1000, maxTokens 24) and writes `outDir/model`; with `eval`, then
 * runs `evaluateBLIP` on up to `evalImages` of its images, the most common training caption as the baseline.
 */
export async function trainBLIPRecipe(o: BLIPRecipeOptions): Promise<BLIPRecipeResult> {
  const maxTokens = o.maxTokens ?? 24;
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const tokenizer = blipTokenizerFor(o.train, o.vocabSize ?? 1000);
  const { model, processor } = createBLIP(tokenizer, { ...(o.preset ? { preset: o.preset } : {}), imageSize: o.imageSize ?? 32, maxTokens, seed: o.seed ?? 0 });
  const { training, modelDir } = await pretrainBLIP({
    model, tokenizer, processor, train: o.train, outDir: o.outDir, steps: o.steps ?? 300, batchSize: o.batchSize ?? 32, lr: o.lr ?? 1e-3, maxTokens, seed: o.seed ?? 0, resume: o.resume ?? false, log,
  });
  if (!o.eval) return { model, tokenizer, processor, training, modelDir };
  const evaluation = evaluateBLIP(model, tokenizer, processor, imagesInMemory(o.eval), { limit: o.evalImages ?? 200, baseline: constantCaptionBaseline(o.train) });
  log(`BLIP eval: ${Object.entries(evaluation.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')}`);
  return { model, tokenizer, processor, training, modelDir, metrics: evaluation.metrics, captions: evaluation.indices.map((index, i) => ({ index, caption: evaluation.captions[i]! })) };
}
