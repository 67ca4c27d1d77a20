/**
 * Training steps per second of a tiny CLIP on the cpu backend, against the same step in PyTorch
 * (Debian's torch on CPU, 2 threads — the dev machine's cores) measured in the same run.
 * The model is the demo's size: 32×32 images, patch 8, width 64, 2 layers per tower, batch 32.
 * A step = zeroGrad + forward with the contrastive loss + backward + AdamW.
 *
 * Run: `pnpm bench train-step`. Writes bench/results/train-step.md. Needs /usr/bin/python3 with
 * torch for the peer column (without it, the peer is reported missing).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import { CLIPModel, clipConfig } from '@glimpse/models';
import { concat, full, randint, randn } from '@glimpse/tensor';
import { AdamW } from '@glimpse/train';

const BATCH = 32;
const config = clipConfig({
  projection_dim: 64,
  text_config: { vocab_size: 2048, hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 16, eos_token_id: 2047 },
  vision_config: { hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, image_size: 32, patch_size: 8 },
});

const model = new CLIPModel(config);
const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
const pixelValues = randn([BATCH, 3, 32, 32], { seed: 1 });
const inputIds = concat([randint(1, 2046, [BATCH, 15], { seed: 2 }), full([BATCH, 1], 2047, { dtype: 'int32' })], 1);
function step(): void {
  optimizer.zeroGrad();
  model.forward({ pixelValues, inputIds, returnLoss: true }).loss!.backward();
  optimizer.step();
}

const glimpse = await new Promise<number>((resolve) => {
  new Benchmark('glimpse tiny CLIP step', step, { minSamples: 5, maxTime: 20, onComplete: function (this: Benchmark) { resolve(this.stats.mean); } }).run();
});

const peer = spawnSync('/usr/bin/python3', [join(dirname(fileURLToPath(import.meta.url)), 'peers', 'torch_clip_step.py'), JSON.stringify(config), String(BATCH), '20', '2'], { encoding: 'utf8' });
const torch = peer.status === 0 ? (JSON.parse(peer.stdout.trim().split('\n').pop()!) as { seconds_per_step: number; threads: number; torch: string }) : undefined;

const rows = [
  `| glimpse (cpu backend, 1 thread) | ${(1 / glimpse).toFixed(2)} | ${(glimpse * 1000).toFixed(0)} ms | ${torch ? (torch.seconds_per_step / glimpse).toFixed(2) + '×' : '—'} |`,
  torch ? `| PyTorch ${torch.torch} CPU (${torch.threads} threads) | ${(1 / torch.seconds_per_step).toFixed(2)} | ${(torch.seconds_per_step * 1000).toFixed(0)} ms | 1× |` : `| PyTorch | (not available: ${peer.stderr.trim().split('\n').pop() ?? peer.error?.message}) | | |`,
];
const report = `# Tiny CLIP training step (batch ${BATCH}, 32×32 images, width 64, 2+2 layers)

Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench train-step\`, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}).
A step = zeroGrad + forward + contrastive loss + backward + AdamW. Ratio = Glimpse speed / PyTorch speed.

| implementation | steps/s | time per step | ratio vs PyTorch |
| --- | ---: | ---: | ---: |
${rows.join('\n')}
`;
console.log(report);
const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'train-step.md'), report);
