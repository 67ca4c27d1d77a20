/**
 * Training a CLIP from scratch on a captioned dataset, end to end: a BPE vocabulary learned from
 * the training captions, a small CLIP sized for the images, AdamW with open_clip's settings and
 * no-decay groups, warm-up + cosine, checkpoints with exact resumption, periodic evaluation, and
 * a final Hugging Face-layout directory (weights, config, tokenizer, preprocessor config).
 */
import { join } from 'node:path';
import { CLIPImageProcessor, CLIPModel, clipConfig, trainBpe, type CLIPTokenizer, type PartialCLIPConfig } from '@glimpse/models';
import { writeFileAtomic } from '@glimpse/models/node';
import { retrievalTargets, type CaptionDataset } from '../data/dataset.js';
import { imagesInMemory } from '../data/in-memory.js';
import { createCaptionLoader } from '../data/node-loader.js';
import { AdamW } from '../optim/adam.js';
import { weightDecayGroups } from '../optim/param-groups.js';
import { warmupCosine } from '../schedule.js';
import { clipTask } from '../tasks.js';
import { train, type TrainResult } from '../trainer.js';
import { evaluateCLIP } from './clip-eval.js';

/** Model sizes for training from scratch; image_size and the vocabulary come from the data. */
export const CLIP_PRESETS = {
  tiny: { width: 64, layers: 2, heads: 4, projection: 64, patch: 8 },
  small: { width: 128, layers: 4, heads: 4, projection: 128, patch: 8 },
} as const;

/** Options of `trainCLIPRecipe`: the data, where outputs go, the model size and the training schedule. */
export interface CLIPRecipeOptions {
  /** Training images with their captions (also the source of the BPE vocabulary). */
  train: CaptionDataset;
  /** Held-out data evaluated every `evalEvery` steps and at the end. */
  eval?: CaptionDataset;
  outDir: string;
  preset?: keyof typeof CLIP_PRESETS;
  imageSize?: number;
  steps?: number;
  batchSize?: number;
  lr?: number;
  vocabSize?: number;
  contextLength?: number;
  seed?: number;
  resume?: boolean;
  evalEvery?: number;
  /** Meta key for zero-shot evaluation among its values (e.g. 'category'). */
  labelKey?: string;
  accumFreq?: number;
  log?: (line: string) => void;
}

/** What `trainCLIPRecipe` returns: the trained model with its tokenizer and image processor, the training record, and where the model was saved. */
export interface CLIPRecipeResult {
  model: CLIPModel;
  tokenizer: CLIPTokenizer;
  processor: CLIPImageProcessor;
  training: TrainResult;
  /** Final evaluation on `eval` (if given). */
  metrics?: Record<string, number>;
  /** Where the final model directory is. */
  modelDir: string;
}

/**
 * Trains a CLIP from scratch as described at the top of this file (defaults: preset 'tiny', imageSize 32,
 * steps 300, batchSize 64, lr 2e-3, vocabSize 1024, contextLength 16); checkpoints and metrics.jsonl go
 * under `outDir`, the final model directory to `outDir/model`.
 */
export async function trainCLIPRecipe(o: CLIPRecipeOptions): Promise<CLIPRecipeResult> {
  const preset = CLIP_PRESETS[o.preset ?? 'tiny'];
  const imageSize = o.imageSize ?? 32;
  const contextLength = o.contextLength ?? 16;
  const steps = o.steps ?? 300;
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const tokenizer = trainBpe(retrievalTargets(o.train).texts, o.vocabSize ?? 1024);
  const vocab = tokenizer.vocabSize;
  const config: PartialCLIPConfig = {
    projection_dim: preset.projection,
    text_config: { vocab_size: vocab, hidden_size: preset.width, intermediate_size: 4 * preset.width, num_hidden_layers: preset.layers, num_attention_heads: preset.heads, max_position_embeddings: contextLength, pad_token_id: 0, bos_token_id: vocab - 2, eos_token_id: vocab - 1 },
    vision_config: { hidden_size: preset.width, intermediate_size: 4 * preset.width, num_hidden_layers: preset.layers, num_attention_heads: preset.heads, image_size: imageSize, patch_size: preset.patch },
  };
  const model = new CLIPModel(clipConfig(config), { seed: o.seed ?? 0 });
  const processor = new CLIPImageProcessor({ size: { shortest_edge: imageSize }, crop_size: { height: imageSize, width: imageSize } });
  const batcher = { call: (texts: readonly string[]) => tokenizer.call(texts, { padding: 'longest', truncation: true, maxLength: contextLength }) };
  const loader = createCaptionLoader(o.train, { batchSize: o.batchSize ?? 64, processor, tokenizer: batcher, seed: o.seed ?? 0, augment: { scale: [0.8, 1], hflip: 0 }, examples: 'images' });
  const task = clipTask(model, { accumFreq: o.accumFreq ?? 1 });
  const lr = o.lr ?? 2e-3;
  const evalSet = o.eval && imagesInMemory(o.eval);
  const evaluate = evalSet ? () => evaluateCLIP(model, batcher, processor, evalSet, o.labelKey ? { labelKey: o.labelKey } : {}).metrics : undefined;
  try {
    const training = await train({
      model,
      optimizer: new AdamW(weightDecayGroups(model, 0.2), { lr, beta2: 0.98, eps: 1e-6 }),
      data: loader,
      step: task.step,
      afterStep: task.afterStep,
      batchSize: task.batchSize,
      totalSteps: steps,
      schedule: warmupCosine({ lr, warmupSteps: Math.min(50, Math.floor(steps / 10)), totalSteps: steps }),
      maxGradNorm: 1,
      checkpointDir: join(o.outDir, 'checkpoints'),
      checkpointEvery: Math.max(Math.floor(steps / 5), 1),
      tokenizer,
      metricsFile: join(o.outDir, 'metrics.jsonl'),
      logEvery: 10,
      resume: o.resume ?? false,
      log,
      ...(evaluate ? { evaluate, evalEvery: o.evalEvery ?? Math.max(Math.floor(steps / 4), 1) } : {}),
    });
    const modelDir = join(o.outDir, 'model');
    await model.savePretrained(modelDir);
    await tokenizer.savePretrained(modelDir);
    writeFileAtomic(join(modelDir, 'preprocessor_config.json'), new TextEncoder().encode(JSON.stringify({
      image_processor_type: 'CLIPImageProcessor', do_resize: true, size: { shortest_edge: imageSize }, resample: 3,
      do_center_crop: true, crop_size: { height: imageSize, width: imageSize }, do_rescale: true, rescale_factor: 1 / 255,
      do_normalize: true, image_mean: processor.options.imageMean, image_std: processor.options.imageStd, do_convert_rgb: true,
    }, null, 2) + '\n'));
    const last = training.evaluations[training.evaluations.length - 1];
    return { model, tokenizer, processor, training, modelDir, ...(last ? { metrics: last.metrics } : {}) };
  } finally {
    loader.close();
  }
}
