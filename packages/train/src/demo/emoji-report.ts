/**
 * The main job: train a tiny CLIP and a tiny BLIP on one art style of the emoji set (Google's),
 * evaluate on the other (Twitter's) — the same 1,911 emoji drawn by different artists, so every
 * figure measures generalisation to unseen pictures — and write a report directory with the
 * metrics beside chance / baseline, the loss curves and retrieval / caption galleries.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { datasetImages, evaluateCLIP } from '../recipes/clip-eval.js';
import { trainBLIPRecipe } from '../recipes/blip-train.js';
import { trainCLIPRecipe } from '../recipes/clip-train.js';
import { loadEmojiDataset } from '../data/emoji.js';
import { captionGallery, retrievalGallery, textToImageRows } from '../report/gallery.js';
import { writeReport, type MetricRow } from '../report/report.js';

export interface EmojiReportOptions {
  outDir: string;
  /** Steps of each model (default: the full configuration's). */
  clipSteps?: number;
  blipSteps?: number;
  /** Held-out images captioned by BLIP (default 120). */
  captionImages?: number;
  imageSize?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** The full configuration: ~15 minutes on 2 cores. */
export const FULL = { clipSteps: 240, blipSteps: 160 };
/** The test-suite configuration: seconds. */
export const FAST = { clipSteps: 3, blipSteps: 2, captionImages: 8 };

export async function emojiReport(o: EmojiReportOptions): Promise<{ report: string; metrics: MetricRow[]; seconds: number }> {
  const start = performance.now();
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const imageSize = o.imageSize ?? 32;
  const train = loadEmojiDataset({ style: 'google', size: imageSize });
  const test = loadEmojiDataset({ style: 'twitter', size: imageSize });
  log(`emoji: ${train.images.length} Google images to train on, ${test.images.length} Twitter images to test on`);

  log('— CLIP —');
  const clip = await trainCLIPRecipe({ train, outDir: join(o.outDir, 'clip'), steps: o.clipSteps ?? FULL.clipSteps, batchSize: 64, imageSize, seed: o.seed ?? 0, log });
  const clipEval = evaluateCLIP(clip.model, { call: (t) => clip.tokenizer.call(t, { padding: 'longest', truncation: true, maxLength: 16 }) }, clip.processor, test, { labelKey: 'category' });
  const m = clipEval.metrics;

  log('— BLIP —');
  const blip = await trainBLIPRecipe({ train, eval: test, outDir: join(o.outDir, 'blip'), steps: o.blipSteps ?? FULL.blipSteps, batchSize: 32, imageSize, seed: o.seed ?? 0, evalImages: o.captionImages ?? 120, log });
  const b = blip.metrics!;

  const n = test.images.length;
  const metrics: MetricRow[] = [
    ...[1, 5, 10].map((k) => ({ group: 'CLIP', name: `text→image R@${k}`, value: m[`t2i_R@${k}`]!, baseline: m[`chance_t2i_R@${k}`]!, note: `among ${n} Twitter emoji` })),
    ...[1, 5, 10].map((k) => ({ group: 'CLIP', name: `image→text R@${k}`, value: m[`i2t_R@${k}`]!, baseline: m[`chance_i2t_R@${k}`]! })),
    { group: 'CLIP', name: 'zero-shot category top-1', value: m['zeroshot_top1']!, baseline: m['zeroshot_chance_top1']!, note: 'prompt "a {category}", 10 categories' },
    { group: 'CLIP', name: 'zero-shot category top-5', value: m['zeroshot_top5']!, baseline: 0.5 },
    { group: 'BLIP', name: 'caption BLEU-4', value: b['BLEU-4']!, baseline: b['baseline_BLEU-4']!, note: 'baseline: the most common training caption for every image' },
    { group: 'BLIP', name: 'caption CIDEr-D', value: b['CIDEr-D']!, baseline: b['baseline_CIDEr-D']! },
    { group: 'BLIP', name: 'caption BLEU-1', value: b['BLEU-1']!, baseline: b['baseline_BLEU-1']! },
    { group: 'BLIP', name: 'ITM: own caption scored above another', value: b['ITM_pairwise']!, baseline: 0.5, note: 'threshold-free' },
    { group: 'BLIP', name: 'ITM accuracy at P(match) > 0.5', value: b['ITM_accuracy']!, baseline: 0.5, note: 'own vs another caption' },
  ];

  const images = datasetImages(test);
  const queries = [0, 1, 2, 3, 4, 5].map((i) => Math.floor((i * clipEval.texts.length) / 6) + 3);
  const rows = textToImageRows({ scores: clipEval.scores, texts: clipEval.texts, textToImage: clipEval.textToImage, images, queries, k: 5 });
  const captioned = (blip.captions ?? []).slice(0, 12).map(({ index, caption }) => ({ image: images[index]!, generated: caption, references: test.images[index]!.captions, label: test.images[index]!.meta?.['category'] ?? '' }));
  const seconds = (performance.now() - start) / 1000;
  const result = await writeReport(o.outDir, {
    title: 'Glimpse: tiny CLIP and BLIP trained on Google emoji, tested on Twitter emoji',
    summary: [
      `Trained from scratch on ${train.images.length} Google-style emoji (${imageSize}×${imageSize}) with their names as captions, tested on the same emoji drawn by Twitter's artists (never seen in training).`,
      `CLIP: ${clip.training.step} steps of batch 64; BLIP: ${blip.training.step} steps of batch 32; vocabularies learned from the training captions.`,
      `Wall time ${(seconds / 60).toFixed(1)} min on ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}.`,
      'Emoji artwork: Google Noto Emoji (Apache-2.0) and Twitter Twemoji (CC-BY-4.0), via the emoji-datasource npm packages; see NOTICE.',
    ].join('\n\n'),
    metrics,
    baselineTitle: 'chance / baseline',
    curves: [
      { name: 'clip-loss', source: join(o.outDir, 'clip', 'metrics.jsonl'), title: 'CLIP training', caption: 'contrastive loss per step' },
      { name: 'blip-loss', source: join(o.outDir, 'blip', 'metrics.jsonl'), title: 'BLIP training', caption: 'ITC, ITM and LM losses per step' },
    ],
    galleries: [
      { name: 'clip-retrieval', title: 'CLIP: text → image on Twitter emoji', image: retrievalGallery(rows), caption: 'top 5 images per query; the true one outlined (its rank shown when missed)' },
      ...(captioned.length ? [{ name: 'blip-captions', title: 'BLIP: captions of Twitter emoji', image: captionGallery(captioned), caption: 'beam search (3 beams); reference below' }] : []),
    ],
    notes: [
      'Chance for R@K is K/N; a constant caption gives the caption baseline; ITM chance is 0.5.',
      'Emoji captions are 2–4 words, so BLEU-4 is near 0 for any model; BLEU-1 and CIDEr-D carry the signal.',
      `Models, tokenizers and checkpoints: ${join(o.outDir, 'clip', 'model')} and ${join(o.outDir, 'blip', 'model')}.`,
    ],
  });
  return { report: result.markdown, metrics, seconds };
}
