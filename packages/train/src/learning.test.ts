/**
 * Learning tests on real data: small models trained from scratch on the Google emoji, measured on
 * the same emoji drawn by Twitter's artists (pictures never seen in training). Every stage is
 * seeded, so each run reproduces the same figures; the thresholds sit below the figures measured
 * when they were set (noted beside each) and well above chance. The main job (`pnpm demo`) runs
 * the longer configuration whose figures are in the README.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEmojiDataset } from './data/emoji.js';
import { trainBLIPRecipe } from './recipes/blip-train.js';
import { trainCLIPRecipe } from './recipes/clip-train.js';

const train = loadEmojiDataset({ style: 'google', size: 32 });
const test = loadEmojiDataset({ style: 'twitter', size: 32 });
const quiet = () => {};

describe('learning on real data: Google emoji → Twitter emoji', () => {
  it('CLIP: cross-style retrieval far above chance after 80 steps', async () => {
    const r = await trainCLIPRecipe({ train, eval: test, outDir: mkdtempSync(join(tmpdir(), 'glimpse-learn-clip-')), steps: 80, batchSize: 64, evalEvery: 80, log: quiet });
    const m = r.metrics!;
    console.log(`CLIP 80 steps: t2i R@10 ${m['t2i_R@10']!.toFixed(4)}, i2t R@10 ${m['i2t_R@10']!.toFixed(4)}, chance ${m['chance_t2i_R@10']!.toFixed(4)}`);
    const meanR10 = (m['t2i_R@10']! + m['i2t_R@10']!) / 2;
    expect(meanR10).toBeGreaterThan(3 * m['chance_t2i_R@10']!); // measured: 0.0251 / 0.0262 vs chance 0.0052
  }, 600_000);

  // ITM is printed but not asserted: at this budget it has not left the 1:2 prior yet (measured pairwise 0.42).
  it('BLIP: captions above a constant-caption baseline after 80 steps', async () => {
    const r = await trainBLIPRecipe({ train, eval: test, outDir: mkdtempSync(join(tmpdir(), 'glimpse-learn-blip-')), steps: 80, batchSize: 32, evalImages: 60, log: quiet });
    const m = r.metrics!;
    console.log(`BLIP 80 steps: CIDEr-D ${m['CIDEr-D']!.toFixed(4)} (baseline ${m['baseline_CIDEr-D']!.toFixed(4)}), BLEU-1 ${m['BLEU-1']!.toFixed(4)} (baseline ${m['baseline_BLEU-1']!.toFixed(4)}), ITM pairwise ${m['ITM_pairwise']!.toFixed(4)}, ITM accuracy ${m['ITM_accuracy']!.toFixed(4)}`);
    expect(m['CIDEr-D']!).toBeGreaterThan(m['baseline_CIDEr-D']!); // measured: 0.174 vs 0.073
    expect(m['BLEU-1']!).toBeGreaterThan(m['baseline_BLEU-1']!); // measured: 0.279 vs 0.204
  }, 600_000);
});
