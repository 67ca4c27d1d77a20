// %% [markdown]
// # 07 · Training CLIP: the loop, piece by piece
//
// `glimpse train clip` is a few library pieces put together; this notebook takes them one at a
// time on captioned shapes: seeded augmentation, AdamW with no-decay groups, warm-up + cosine,
// gradient accumulation that is exact for a contrastive loss, checkpoints and an exact resume,
// and the loss curve. Run with `npx -y pnpm@12.4.2 example examples/07-train-clip.ts`.

// %%
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIPImageProcessor, CLIPModel, trainBpe } from '@glimpse/models';
import { AdamW, accumulateContrastive, augmentImage, clipTask, makeShapes, shapesDataset, warmupCosine, weightDecayGroups } from '@glimpse/train';
import { createCaptionLoader, lossCurvesSvg, train } from '@glimpse/train/node';
import { Generator } from '@glimpse/tensor';
import { savePng, panels, type RGB } from './lib/pictures.js';

const data = shapesDataset(makeShapes({ count: 800, seed: 3, size: 32 }), 'shapes');

// %% [markdown]
// ## Augmentation: random resized crops and flips, from a seeded generator
// A flip mirrors the picture, so "left of" becomes "right of" in its caption too.

// %%
const source = 'image' in data.images[0]!.ref ? data.images[0]!.ref.image : undefined!;
const g = new Generator(0);
const views = [source, ...Array.from({ length: 5 }, () => augmentImage(source, { height: 32, width: 32 }, g, { scale: [0.6, 1] }).image)];
const grid = (img: typeof source): RGB[][] => Array.from({ length: img.height }, (_, y) => Array.from({ length: img.width }, (_, x) => [0, 1, 2].map((c) => img.data[(y * img.width + x) * 3 + c]!) as RGB));
console.log('caption:', data.images[0]!.captions[0], '→ wrote', savePng('07-augmentations.png', panels(views.map(grid), 4)));

// %% [markdown]
// ## Model, tokenizer, optimizer, schedule
// AdamW decays weights but not gains, biases, position/class embeddings or the temperature
// (open_clip's rule); the learning rate warms up linearly, then follows a half cosine.

// %%
const tokenizer = trainBpe(data.images.flatMap((i) => i.captions), 600);
const model = CLIPModel.create({
  projection_dim: 32,
  text_config: { vocab_size: tokenizer.vocabSize, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 16, bos_token_id: tokenizer.vocabSize - 2, eos_token_id: tokenizer.vocabSize - 1 },
  vision_config: { hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, image_size: 32, patch_size: 8 },
});
const [decay, noDecay] = weightDecayGroups(model, 0.2);
console.log(`${decay!.params.length} tensors decayed, ${noDecay!.params.length} not (biases, norms, embeddings of positions, temperature)`);
const schedule = warmupCosine({ lr: 2e-3, warmupSteps: 10, totalSteps: 80 });
console.log('lr at steps 0, 5, 10, 45, 80:', [0, 5, 10, 45, 80].map((s) => schedule(s).toExponential(1)).join(', '));

// %% [markdown]
// ## Gradient accumulation, exact for a contrastive loss
// Every pair in a batch talks to every other, so averaging per-micro-batch losses would change
// the objective. Instead: embed all micro-batches without gradients, then recompute one at a
// time with gradients against the cached others. The summed gradients equal the full batch's.

// %%
const processor = new CLIPImageProcessor({ size: { shortest_edge: 32 }, crop_size: { height: 32, width: 32 } });
const batcher = { call: (t: readonly string[]) => tokenizer.call(t, { padding: 'longest', truncation: true, maxLength: 16 }) };
const loader = createCaptionLoader(data, { batchSize: 32, processor, tokenizer: batcher, seed: 0, augment: { scale: [0.8, 1] }, examples: 'images' });
const [batch] = loader.epoch(0, 0);
const full = model.forward({ ...batch!, returnLoss: true }).loss!;
model.zeroGrad();
full.backward();
const fullGrad = model.text_projection.weight.grad!;
model.zeroGrad();
const micro = [0, 8, 16, 24].map((s) => ({ pixelValues: batch!.pixelValues.narrow(0, s, 8), inputIds: batch!.inputIds.narrow(0, s, 8), attentionMask: batch!.attentionMask.narrow(0, s, 8) }));
const accumulatedLoss = accumulateContrastive(model, micro);
const gap = model.text_projection.weight.grad!.sub(fullGrad).abs().max().item() / fullGrad.abs().max().item();
console.log(`4 micro-batches of 8 vs one batch of 32: loss ${accumulatedLoss.toFixed(6)} vs ${full.item().toFixed(6)}, gradient gap ${gap.toExponential(1)} (float32 rounding)`);
model.zeroGrad();

// %% [markdown]
// ## Train, stop, resume
// `train` writes atomic checkpoints (weights, optimizer state, RNG states, data position). We stop
// after 40 steps, then start a fresh process-like run that resumes from the checkpoint.

// %%
const dir = mkdtempSync(join(tmpdir(), 'glimpse-07-'));
const task = clipTask(model);
const run = (totalSteps: number, resume: boolean) =>
  train({ model, optimizer: new AdamW([decay!, noDecay!], { lr: 2e-3, beta2: 0.98, eps: 1e-6 }), data: loader, step: task.step, afterStep: task.afterStep, batchSize: task.batchSize,
    totalSteps, schedule, checkpointDir: join(dir, 'checkpoints'), checkpointEvery: 20, metricsFile: join(dir, 'metrics.jsonl'), resume, log: (l) => l.startsWith('resumed') && console.log(l) });
await run(40, false);
const result = await run(80, true);
console.log(`finished at step ${result.step}, loss ${result.last['loss']!.toFixed(3)}`);
loader.close();

// %% [markdown]
// ## The loss curve (Vega-Lite, rendered to SVG)

// %%
const svg = join(new URL('./out/', import.meta.url).pathname, '07-loss.svg');
writeFileSync(svg, await lossCurvesSvg(join(dir, 'metrics.jsonl'), { title: 'tiny CLIP on shapes' }));
console.log('wrote', svg);
