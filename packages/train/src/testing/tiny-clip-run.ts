/**
 * A tiny deterministic CLIP training run, shared by the resume tests: in-process, and as a child
 * process (`GLIMPSE_CHILD=1`) that a test kills with SIGKILL in the middle of training.
 */
import { CLIPModel } from '@glimpse/models';
import { Generator, randint, randn, tensor } from '@glimpse/tensor';
import type { CLIPBatch } from '../accumulate.js';
import { AdamW } from '../optim/adam.js';
import { warmupCosine } from '../schedule.js';
import { clipTask } from '../tasks.js';
import { train, type EpochData } from '../trainer.js';

export const TOTAL_STEPS = 12;

export function tinyModel(): CLIPModel {
  return CLIPModel.create({
    projection_dim: 8,
    text_config: { vocab_size: 32, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 6, eos_token_id: 31, attention_dropout: 0.1 },
    vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4 },
  }, { seed: 7 });
}

/** 5 batches per epoch of 4 random pairs, shuffled per epoch from the epoch number alone. */
export const tinyData: EpochData<CLIPBatch> = {
  batchesPerEpoch: 5,
  *epoch(epoch, start) {
    const g = new Generator(100 + epoch);
    for (let i = 0; i < this.batchesPerEpoch; i++) {
      const ids = randint(1, 30, [4, 6], { generator: g });
      const withEos = ids.mul(tensor([1, 1, 1, 1, 1, 0], { dtype: 'int32' })).add(tensor([0, 0, 0, 0, 0, 31], { dtype: 'int32' }));
      const batch = { pixelValues: randn([4, 3, 8, 8], { generator: g }), inputIds: withEos };
      if (i >= start) yield batch;
    }
  },
};

export async function runTiny(opts: { checkpointDir?: string; resume?: boolean; slowMs?: number; log?: (line: string) => void }): Promise<CLIPModel> {
  const model = tinyModel();
  const task = clipTask(model);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
  await train({
    model,
    optimizer,
    data: tinyData,
    step: (b) => {
      const terms = task.step(b);
      if (opts.slowMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, opts.slowMs);
      return terms;
    },
    afterStep: task.afterStep,
    totalSteps: TOTAL_STEPS,
    schedule: warmupCosine({ lr: 1e-3, warmupSteps: 3, totalSteps: TOTAL_STEPS }),
    logEvery: 1,
    log: opts.log ?? (() => {}),
    ...(opts.checkpointDir ? { checkpointDir: opts.checkpointDir, checkpointEvery: 2, resume: opts.resume ?? false } : {}),
  });
  return model;
}

if (process.env['GLIMPSE_CHILD']) {
  await runTiny({ checkpointDir: process.env['GLIMPSE_CHILD']!, slowMs: 150, log: (line) => console.log(line) });
}
