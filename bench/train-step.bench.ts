/**
 * Training steps per second of a tiny CLIP and a tiny BLIP on the cpu backend, against the same
 * steps in PyTorch (Debian's torch on CPU, 2 threads — the dev machine's cores) measured in the
 * same run. Both models are the demos' size: 32×32 images, patch 8, width 64, 2 layers per
 * tower, 4 heads, batch 32.
 *
 *   - CLIP step = zeroGrad + forward with the contrastive loss + backward + AdamW (text length 16,
 *     vocabulary 2048); peer bench/peers/torch_clip_step.py (tools/oracle/clip.py's model).
 *   - BLIP pre-training step = zeroGrad + `blipTask(BlipPretrain).step` (ITC, hard negatives
 *     drawn from the step's ITC similarities, ITM over 3B pairs, LM with label smoothing; forward
 *     + backward, the four losses read back) + AdamW (text length 24, vocabulary 1000, the
 *     `glimpse train blip` tiny preset); peer bench/peers/torch_blip_step.py
 *     (tools/oracle/blip.py's model, negatives drawn the same way with torch.multinomial).
 *
 * Run: `pnpm bench train-step`. Writes bench/results/train-step.md. Needs /usr/bin/python3 with
 * torch for the peer column (without it, the peer is reported missing).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import { BlipPretrain, CLIPModel, clipConfig } from '@glimpse/models';
import { concat, full, randint, randn, tensor, type Tensor } from '@glimpse/tensor';
import { AdamW, blipTask } from '@glimpse/train';

const BATCH = 32;
const here = dirname(fileURLToPath(import.meta.url));
const loadAtStart = loadavg();

interface Measured {
  glimpse: number;
  torch?: { seconds_per_step: number; threads: number; torch: string };
  peerError?: string;
}

function bench(name: string, step: () => void): Promise<number> {
  return new Promise<number>((resolve) => {
    new Benchmark(name, step, { minSamples: 5, maxTime: 20, onComplete: function (this: Benchmark) { resolve(this.stats.mean); } }).run();
  });
}

function peer(script: string, config: unknown, steps: number): Pick<Measured, 'torch' | 'peerError'> {
  const run = spawnSync('/usr/bin/python3', [join(here, 'peers', script), JSON.stringify(config), String(BATCH), String(steps), '2'], { encoding: 'utf8' });
  if (run.status === 0) return { torch: JSON.parse(run.stdout.trim().split('\n').pop()!) as Measured['torch'] };
  return { peerError: run.stderr?.trim().split('\n').pop() ?? run.error?.message ?? `exit ${run.status}` };
}

// ---- CLIP ----
async function clip(): Promise<Measured> {
  const config = clipConfig({
    projection_dim: 64,
    text_config: { vocab_size: 2048, hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 16, eos_token_id: 2047 },
    vision_config: { hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, image_size: 32, patch_size: 8 },
  });
  const model = new CLIPModel(config);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const pixelValues = randn([BATCH, 3, 32, 32], { seed: 1 });
  const inputIds = concat([randint(1, 2046, [BATCH, 15], { seed: 2 }), full([BATCH, 1], 2047, { dtype: 'int32' })], 1);
  const glimpse = await bench('glimpse tiny CLIP step', () => {
    optimizer.zeroGrad();
    model.forward({ pixelValues, inputIds, returnLoss: true }).loss!.backward();
    optimizer.step();
  });
  return { glimpse, ...peer('torch_clip_step.py', config, 20) };
}

// ---- BLIP ----
const VOCAB = 1000;
const TEXT_LEN = 24;
const [PAD, CLS, SEP, DEC, ENC] = [0, 1, 2, VOCAB - 2, VOCAB - 1];

/** Caption b has 8 + (5·b mod 17) tokens, [CLS] … [SEP], padded to TEXT_LEN: the peer builds the same lengths. */
function captionBatch(): { inputIds: Tensor; attentionMask: Tensor } {
  const words = randint(3, VOCAB - 2, [BATCH, TEXT_LEN], { seed: 3 }).toArray() as number[][];
  const ids = words.map((row, b) => {
    const n = Math.min(8 + ((5 * b) % 17), TEXT_LEN);
    return row.map((w, i) => (i === 0 ? CLS : i === n - 1 ? SEP : i < n - 1 ? w : PAD));
  });
  return { inputIds: tensor(ids, { dtype: 'int32' }), attentionMask: tensor(ids.map((r) => r.map((w) => (w === PAD ? 0 : 1))), { dtype: 'int32' }) };
}

async function blip(): Promise<Measured> {
  // The `glimpse train blip` tiny preset (packages/train/src/recipes/blip-train.ts) at 32×32, 24 tokens, 1000 words.
  const model = BlipPretrain.create(
    {
      image_text_hidden_size: 64,
      text_config: {
        vocab_size: VOCAB, hidden_size: 64, encoder_hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4,
        max_position_embeddings: TEXT_LEN, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0,
        pad_token_id: PAD, bos_token_id: DEC, sep_token_id: SEP, eos_token_id: SEP,
      },
      vision_config: { hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, image_size: 32, patch_size: 8 },
      enc_token_id: ENC,
    },
    { seed: 0 },
  );
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const task = blipTask(model);
  const batch = { pixelValues: randn([BATCH, 3, 32, 32], { seed: 1 }), ...captionBatch() };
  const glimpse = await bench('glimpse tiny BLIP pre-training step', () => {
    optimizer.zeroGrad();
    task.step(batch);
    optimizer.step();
  });
  return { glimpse, ...peer('torch_blip_step.py', model.config, 10) };
}

const results = { CLIP: await clip(), BLIP: await blip() };
const loadAtEnd = loadavg();

const rows = Object.entries(results).flatMap(([name, m]) => [
  `| ${name} | glimpse (cpu backend, 1 thread) | ${(1 / m.glimpse).toFixed(2)} | ${(m.glimpse * 1000).toFixed(0)} ms | ${m.torch ? (m.torch.seconds_per_step / m.glimpse).toFixed(2) + '×' : '—'} |`,
  m.torch
    ? `| ${name} | PyTorch ${m.torch.torch} CPU (${m.torch.threads} threads) | ${(1 / m.torch.seconds_per_step).toFixed(2)} | ${(m.torch.seconds_per_step * 1000).toFixed(0)} ms | 1× |`
    : `| ${name} | PyTorch (not available: ${m.peerError}) | | | |`,
]);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const report = `# Tiny CLIP and BLIP training steps (batch ${BATCH}, 32×32 images, patch 8, width 64, 2 layers, 4 heads)

Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench train-step\`, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}).
Machine load (1 / 5 / 15-minute load average): ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end${
  loadAtStart[0]! > cpus().length / 2 || loadAtEnd[0]! > cpus().length / 2 ? ' (above half the core count: the machine was shared with other work, so the absolute times are inflated and the ratios carry noise; each Glimpse row ran just before its PyTorch row)' : ''
}.

- **CLIP**: a step = zeroGrad + forward + contrastive loss + backward + AdamW; text length 16, vocabulary 2048.
- **BLIP** pre-training (ITC + ITM + LM): a step = zeroGrad + forward (ITC; hard negatives drawn from the
  step's ITC similarities, softmax + 1e-4 with a zero diagonal, one multinomial draw per row, each side
  with its own seeded generator; ITM over the B positives and 2B negatives; LM with label smoothing 0.1)
  + backward + AdamW, the four losses read back; text length 24 (captions of 8–24 tokens, padded),
  vocabulary 1000, the decoder sharing all but self-attention with the text encoder. Glimpse runs
  \`blipTask(BlipPretrain)\`; PyTorch runs tools/oracle/blip.py's model (bench/peers/torch_blip_step.py).

AdamW lr 1e-3, weight decay 0.01 on both sides. Ratio = Glimpse speed / PyTorch speed.

| model | implementation | steps/s | time per step | ratio vs PyTorch |
| --- | --- | ---: | ---: | ---: |
${rows.join('\n')}
`;
console.log(report);
const out = join(here, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'train-step.md'), report);
