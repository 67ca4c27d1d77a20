// @glimpse/train/node (the Node-only entry) from its packed tarball: a tiny CLIP trained for 4
// steps with checkpoints and a metrics file, then resumed from its last checkpoint.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIPModel } from '@glimpse/models';
import { randn, tensor } from '@glimpse/tensor';
import { AdamW, clipTask } from '@glimpse/train';
import { latestCheckpoint, train } from '@glimpse/train/node';
import { check } from './check.mjs';
import { TINY_CLIP } from './models.mjs';

const data = {
  batchesPerEpoch: 2,
  *epoch(epoch, start) {
    for (let i = start; i < 2; i++) {
      yield { pixelValues: randn([2, 3, 8, 8], { seed: 10 * epoch + i }), inputIds: tensor([[62, 5, 9, 63, 0], [62, 7, 63, 0, 0]], { dtype: 'int32' }) };
    }
  },
};

async function run(dir, totalSteps, resume) {
  const model = CLIPModel.create(TINY_CLIP, { seed: 0 });
  const task = clipTask(model);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
  return train({
    model, optimizer, data, totalSteps, resume,
    step: task.step, afterStep: task.afterStep,
    checkpointDir: join(dir, 'ckpt'), checkpointEvery: 2, metricsFile: join(dir, 'metrics.jsonl'),
    logEvery: 1, log: () => {},
  });
}

export default async function smokeTrainNode() {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-smoke-'));
  try {
    const first = await run(dir, 4, false);
    check(first.step === 4 && Number.isFinite(first.last.loss), `trained to step ${first.step}, loss ${first.last.loss}`);
    const latest = latestCheckpoint(join(dir, 'ckpt'));
    check(latest !== undefined && existsSync(join(latest, 'model.safetensors')), `no checkpoint with weights in ${dir}/ckpt`);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    check(lines.length >= 4, `metrics.jsonl has ${lines.length} lines`);
    const resumed = await run(dir, 6, true);
    check(resumed.resumedFrom !== undefined && resumed.step === 6, `resume: from ${resumed.resumedFrom} to step ${resumed.step}`);
    return { steps: resumed.step, loss: first.last.loss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
