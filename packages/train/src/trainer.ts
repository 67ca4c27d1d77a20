/**
 * The training loop shared by CLIP and BLIP: schedule → zeroGrad → the task's forward/backward →
 * clip → optimizer step → logging, evaluation and checkpoints; and exact resumption. A task only
 * says how one batch becomes losses and gradients (see tasks.ts).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Dropout } from '@glimpse/models';
import { loadSafetensors } from '@glimpse/models/node';
import { getDefaultGenerator, type Generator } from '@glimpse/tensor';
import { latestCheckpoint, loadCheckpointState, saveCheckpoint, type SavableModel, type SavableTokenizer, type TrainerState } from './checkpoint.js';
import { clipGradNorm } from './optim/clip-grad.js';
import type { GroupOptions, Optimizer } from './optim/optimizer.js';
import { progressLine } from './progress.js';
import type { Schedule } from './schedule.js';

/** Batches in a fixed order per epoch, restartable from any position (so a resumed run sees the same data). */
export interface EpochData<B> {
  readonly batchesPerEpoch: number;
  epoch(epoch: number, start: number): Iterable<B>;
}

/** What `train` runs: the model, optimizer, data and per-batch step, plus schedule, clipping, evaluation, checkpointing, metrics and logging options. */
export interface TrainOptions<B> {
  model: SavableModel;
  optimizer: Optimizer<GroupOptions>;
  data: EpochData<B>;
  /** Forward and backward for one batch; returns the loss terms to log (with `loss`). */
  step: (batch: B) => Record<string, number>;
  totalSteps: number;
  schedule?: Schedule;
  /** Clip gradients to this global norm. */
  maxGradNorm?: number;
  /** Runs after each optimizer step (e.g. clamping CLIP's logit scale). */
  afterStep?: () => void;
  /** Examples in a batch, for throughput. */
  batchSize?: (batch: B) => number;
  evaluate?: () => Record<string, number> | Promise<Record<string, number>>;
  evalEvery?: number;
  checkpointDir?: string;
  checkpointEvery?: number;
  keepCheckpoints?: number;
  tokenizer?: SavableTokenizer;
  /** Appends one JSON object per logged step and per evaluation. */
  metricsFile?: string;
  logEvery?: number;
  /** Generators to checkpoint besides the model's dropout generators (found automatically). */
  generators?: Record<string, Generator>;
  /** Continue from the newest checkpoint in checkpointDir, if there is one. */
  resume?: boolean;
  /** Where progress lines go (default: stderr). */
  log?: (line: string) => void;
}

/** What `train` returns: the final step, the last logged loss terms, every evaluation, and the checkpoint it resumed from. */
export interface TrainResult {
  step: number;
  /** The last logged loss terms. */
  last: Record<string, number>;
  /** Evaluation results by step. */
  evaluations: { step: number; metrics: Record<string, number> }[];
  resumedFrom?: string;
}

function allGenerators<B>(opts: TrainOptions<B>): Record<string, Generator> {
  const found: Record<string, Generator> = {};
  for (const [name, m] of opts.model.namedModules()) if (m instanceof Dropout) found[`model.${name}`] = m.generator;
  // The default generator too: anything drawing from it (augmentation, sampling) must resume in step.
  return { default: getDefaultGenerator(), ...found, ...opts.generators };
}

/** Runs the training loop for `totalSteps` steps (schedule → zeroGrad → step → clip → optimizer step), logging, evaluating and checkpointing as asked; resumes exactly from the latest checkpoint with `resume`. */
export async function train<B>(opts: TrainOptions<B>): Promise<TrainResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  if (!(opts.data.batchesPerEpoch > 0)) throw new Error(`train: the data has ${opts.data.batchesPerEpoch} batches per epoch`);
  const generators = allGenerators(opts);
  const params = opts.model.parameters();
  let state: TrainerState = { step: 0, epoch: 0, batchInEpoch: 0, generators: {} };
  let resumedFrom: string | undefined;
  if (opts.resume && opts.checkpointDir) {
    const dir = latestCheckpoint(opts.checkpointDir);
    if (dir) {
      const saved = loadCheckpointState(dir);
      opts.model.loadStateDict(loadSafetensors(join(dir, 'model.safetensors')));
      opts.optimizer.loadStateDict(saved.optimizer);
      for (const [name, g] of Object.entries(generators)) {
        const s = saved.state.generators[name];
        if (!s) throw new Error(`train: checkpoint ${dir} has no state for generator '${name}'`);
        g.setState(s);
      }
      state = saved.state;
      resumedFrom = dir;
      log(`resumed from ${dir} at step ${state.step}`);
    }
  }
  if (opts.metricsFile) mkdirSync(dirname(opts.metricsFile), { recursive: true });
  const record = (entry: Record<string, unknown>) => opts.metricsFile && appendFileSync(opts.metricsFile, JSON.stringify(entry) + '\n');
  const evaluations: TrainResult['evaluations'] = [];
  const logEvery = opts.logEvery ?? 10;
  let last: Record<string, number> = {};
  let windowStart = performance.now();
  let windowSteps = 0;
  let windowSamples = 0;

  while (state.step < opts.totalSteps) {
    for (const batch of opts.data.epoch(state.epoch, state.batchInEpoch)) {
      const lr = opts.schedule ? opts.schedule(state.step) : opts.optimizer.groups[0]!.options.lr;
      if (opts.schedule) opts.optimizer.setLr(lr);
      opts.optimizer.zeroGrad();
      const terms = { ...opts.step(batch) };
      if (opts.maxGradNorm !== undefined) terms['gradNorm'] = clipGradNorm(params, opts.maxGradNorm);
      opts.optimizer.step();
      opts.afterStep?.();
      state.step++;
      state.batchInEpoch++;
      windowSteps++;
      windowSamples += opts.batchSize?.(batch) ?? 0;
      last = terms;

      if (state.step % logEvery === 0 || state.step === opts.totalSteps) {
        const seconds = (performance.now() - windowStart) / 1000;
        const stepsPerSecond = windowSteps / seconds;
        const samplesPerSecond = opts.batchSize ? windowSamples / seconds : undefined;
        log(progressLine({ step: state.step, total: opts.totalSteps, terms, lr, stepsPerSecond, ...(samplesPerSecond !== undefined ? { samplesPerSecond } : {}) }));
        record({ step: state.step, epoch: state.epoch, lr, ...terms, stepsPerSecond, ...(samplesPerSecond !== undefined ? { samplesPerSecond } : {}) });
        windowStart = performance.now();
        windowSteps = 0;
        windowSamples = 0;
      }
      if (opts.evaluate && opts.evalEvery && (state.step % opts.evalEvery === 0 || state.step === opts.totalSteps)) {
        const metrics = await opts.evaluate();
        evaluations.push({ step: state.step, metrics });
        record({ step: state.step, eval: metrics });
        log(`eval @ ${state.step}: ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')}`);
      }
      if (opts.checkpointDir && opts.checkpointEvery && (state.step % opts.checkpointEvery === 0 || state.step === opts.totalSteps)) {
        state.generators = Object.fromEntries(Object.entries(generators).map(([n, g]) => [n, g.getState()]));
        const dir = await saveCheckpoint(opts.checkpointDir, { model: opts.model, optimizer: opts.optimizer, state, ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}) }, { keep: opts.keepCheckpoints ?? 2 });
        log(`checkpoint ${dir}`);
      }
      if (state.step >= opts.totalSteps) break;
    }
    if (state.step >= opts.totalSteps) break;
    state.epoch++;
    state.batchInEpoch = 0;
  }
  return { step: state.step, last, evaluations, ...(resumedFrom ? { resumedFrom } : {}) };
}
