// %% [markdown]
// # 10 · Training BLIP: three losses, one model
//
// BLIP pre-training optimises three objectives at once on every batch: ITC aligns the unimodal
// image and text embeddings (as CLIP), ITM classifies (image, text) pairs as matching or not —
// with hard negatives mined from the ITC similarities — and LM teaches the decoder to write the
// caption. This notebook pre-trains a tiny BLIP on captioned shapes with the library's recipe,
// draws the three loss curves, and captions held-out pictures.
// Run with `npx -y pnpm@12.4.2 example examples/10-train-blip.ts`.

// %%
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeShapes, shapesDataset } from '@glimpse/train';
import { captionGallery, lossCurvesSvg, trainBLIPRecipe, writePng } from '@glimpse/train/node';

const train = shapesDataset(makeShapes({ count: 1200, seed: 5, size: 32, pairProbability: 0.3 }), 'shapes-train');
const test = shapesDataset(makeShapes({ count: 200, seed: 6, size: 32, pairProbability: 0.3 }), 'shapes-test');

// %% [markdown]
// ## Pre-train (ITC + ITM + LM)
// The recipe learns a WordPiece vocabulary from the captions, builds a BLIP whose decoder shares
// every parameter with the text encoder except self-attention, and trains with AdamW
// (weight decay 0.05, none on norms/biases/temperature) under warm-up + cosine.

// %%
const outDir = mkdtempSync(join(tmpdir(), 'glimpse-10-'));
const result = await trainBLIPRecipe({ train, eval: test, outDir, steps: 200, batchSize: 32, imageSize: 32, evalImages: 40, log: () => {} });
for (const [k, v] of Object.entries(result.metrics!)) console.log(`${k.padEnd(18)} ${v.toFixed(3)}`);

// %% [markdown]
// ## The three losses
// ITC starts at ln(batch) and falls as the encoders align; ITM starts near ln 2 and falls more
// slowly because its negatives are the hardest in the batch; LM falls as the decoder learns the
// caption grammar first and the colours and shapes later.

// %%
const svg = join(new URL('./out/', import.meta.url).pathname, '10-blip-losses.svg');
writeFileSync(svg, await lossCurvesSvg(join(outDir, 'metrics.jsonl'), { title: 'tiny BLIP on shapes', terms: ['itc', 'itm', 'lm'] }));
console.log('wrote', svg);

// %% [markdown]
// ## Captions of held-out pictures (beam search, 3 beams)

// %%
const items = result.captions!.slice(0, 8).map(({ index, caption }) => ({
  image: 'image' in test.images[index]!.ref ? test.images[index]!.ref.image : undefined!,
  generated: caption,
  references: test.images[index]!.captions,
}));
const png = join(new URL('./out/', import.meta.url).pathname, '10-captions.png');
writePng(png, captionGallery(items, { title: 'tiny BLIP: captions of held-out shapes' }));
console.log('wrote', png);
