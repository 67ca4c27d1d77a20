/**
 * What a CapFilt run depends on (its configuration, saved as DIR/config.json by the data stage)
 * and where each stage writes under the run directory DIR (see pipeline.ts for the stages).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@glimpse/models/node';
import type { CorruptionKind, ShapeKind } from '../data/shapes.js';
import type { BLIP_PRESETS } from '../recipes/blip-train.js';
import type { BLIPLossWeights } from '../tasks.js';

/** Everything a CapFilt run depends on; saved as DIR/config.json by the data stage and read back by the others. */
export interface CapFiltConfig {
  /** Name of the preset it came from (fast, full), for the report. */
  name: string;
  seed: number;
  data: {
    imageSize: number;
    web: number;
    human: number;
    test: number;
    /** Fraction of web captions made false. */
    noise: number;
    kinds: CorruptionKind[];
    colors: string[];
    shapes: ShapeKind[];
    pairProbability: number;
  };
  model: { preset: keyof typeof BLIP_PRESETS; patchSize: number; maxTokens: number; vocabSize: number };
  /** Each pre-training (the baseline and the bootstrapped models get the same). */
  pretrain: { steps: number; batchSize: number; lr: number };
  /**
   * The fine-tunings on the human split: steps of each, their λ weights (the captioner: LM; the
   * filter: ITM, see CAPFILT_CONFIGS), and whether the filter's rate stays constant after warm-up.
   */
  finetune: {
    captionerSteps: number;
    filterSteps: number;
    batchSize: number;
    lr: number;
    captioner: BLIPLossWeights;
    filter: BLIPLossWeights;
    filterConstantLr: boolean;
  };
  /** Captioning: nucleus sampling with top-p, beam search with numBeams; lengths count [DEC]. */
  caption: { topP: number; numBeams: number; maxLength: number; minLength: number; batchSize: number };
  /** The filter keeps a caption when ITM P(match) > threshold. */
  threshold: number;
  /** Also pre-train on the beam-search bootstrapped set (downstream nucleus vs beam). */
  beamModel: boolean;
}

/**
 * The world the scenes are drawn from: 3 colours × 3 shapes, half the scenes with two objects
 * and one of 4 relations. Smaller than the generator's full palette on purpose: a tiny BLIP
 * trained for minutes learns colours first, shapes later and relations last.
 */
const WORLD = { colors: ['red', 'green', 'blue'], shapes: ['circle', 'square', 'triangle'] as ShapeKind[], pairProbability: 0.5 };

/** The fine-tunings both presets use (see the comment on CAPFILT_CONFIGS for the filter's λ). */
const FINETUNE = { captioner: { itc: 0, itm: 0, lm: 1 }, filter: { itc: 0, itm: 1, lm: 0 }, filterConstantLr: true };

/** The measured run (`glimpse capfilt --out DIR`); see CAPFILT_CONFIGS. */
const full: CapFiltConfig = {
  name: 'full',
  seed: 0,
  data: { imageSize: 32, web: 2000, human: 400, test: 300, noise: 0.4, kinds: ['swap', 'color', 'relation', 'object'], ...WORLD },
  model: { preset: 'tiny', patchSize: 8, maxTokens: 16, vocabSize: 200 },
  pretrain: { steps: 400, batchSize: 32, lr: 3e-3 },
  finetune: { captionerSteps: 100, filterSteps: 300, batchSize: 32, lr: 1e-3, ...FINETUNE },
  caption: { topP: 0.9, numBeams: 3, maxLength: 14, minLength: 3, batchSize: 100 },
  threshold: 0.5,
  beamModel: false,
};

/**
 * The two sizes: `fast` runs in the test suite in well under a minute (too small to learn: it
 * checks the plumbing and determinism), `full` is the measured run (`glimpse capfilt --out DIR`,
 * ~27 minutes on 2 cores; patch 8 rather than 4 halves a step, which bought 400 pre-training steps where 160 fitted before).
 *
 * The filter is fine-tuned with ITM alone (λ_itc = 0, λ_itm = 1) where BLIP uses ITC + ITM.
 * Measured on this data from a pre-trained tiny BLIP: with ITC on (λ_itc 1 or 0.1, λ_itm 1 or 10,
 * cosine or constant rate), the ITM loss stayed at its chance value 0.636 through 100–150 steps,
 * because ITC keeps the mined negatives near-duplicates of the positives (same objects, another
 * relation or colour), too hard for an ITM that starts from nothing; with ITC off, the features
 * drift, the mined negatives get easier, and ITM learns within ~30 steps. BLIP's filter starts
 * from an ITM pre-trained on 129M pairs. `--filter-itc 1` runs the paper's setting.
 */
export const CAPFILT_CONFIGS: Record<'fast' | 'full', CapFiltConfig> = {
  // The full run shrunk to a few images and steps, with the beam-bootstrapped model added (it costs nothing here).
  fast: {
    ...full,
    name: 'fast',
    data: { ...full.data, web: 64, human: 16, test: 16 },
    pretrain: { ...full.pretrain, steps: 4, batchSize: 16 },
    finetune: { ...full.finetune, captionerSteps: 2, filterSteps: 2, batchSize: 16 },
    caption: { ...full.caption, maxLength: 12, batchSize: 64 },
    beamModel: true,
  },
  full,
};

/** The stages in order. */
export const CAPFILT_STAGES = ['data', 'pretrain', 'finetune', 'caption', 'filter', 'bootstrap', 'retrain', 'evaluate', 'report'] as const;
/** One stage's name ('data', 'pretrain', …, 'report'). */
export type CapFiltStage = (typeof CAPFILT_STAGES)[number];

/** Where a stage's outputs go, under the run directory. */
export const capfiltPaths = (dir: string) => ({
  config: join(dir, 'config.json'),
  data: join(dir, 'data'),
  pretrain: join(dir, 'pretrain'),
  captioner: join(dir, 'captioner'),
  filter: join(dir, 'filter'),
  synthetic: join(dir, 'synthetic.jsonl'),
  filtered: join(dir, 'filtered.jsonl'),
  bootstrapped: join(dir, 'data', 'bootstrapped.jsonl'),
  bootstrappedBeam: join(dir, 'data', 'bootstrapped-beam.jsonl'),
  bootstrap: join(dir, 'bootstrap'),
  bootstrapBeam: join(dir, 'bootstrap-beam'),
  evaluation: join(dir, 'evaluation.json'),
  results: join(dir, 'results.json'),
  report: join(dir, 'report'),
  timings: join(dir, 'timings.json'),
});

/** Writes a JSON file atomically (directories created). */
export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(value, null, 1) + '\n'));
}

/** Reads a JSON file a stage wrote; `stage` names the reader in the error when it is missing. */
export function readJson<T>(path: string, stage: string): T {
  if (!existsSync(path)) throw new Error(`capfilt ${stage}: ${path} is missing; run the stages before it first`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The configuration saved by the data stage. */
export function readCapFiltConfig(dir: string): CapFiltConfig {
  return readJson<CapFiltConfig>(capfiltPaths(dir).config, 'config');
}

/** Seconds each stage took (DIR/timings.json; empty before the first stage ends). */
export function readTimings(dir: string): Record<string, number> {
  const path = capfiltPaths(dir).timings;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>) : {};
}
