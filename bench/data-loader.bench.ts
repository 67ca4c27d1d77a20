/**
 * Does decoding on worker threads pay? Times the caption loader over a folder of 640×480 PNG
 * photos-like images (COCO-sized; PNG because the bench has no JPEG encoder — jpeg-js decodes a
 * 640×480 JPEG about 2× slower than pngjs this PNG, so real JPEG folders gain more), with CLIP's
 * eval preprocessing (shortest side 224, center crop) and with train augmentation, while a
 * simulated training step busies the main thread for STEP_MS per batch. Also times the
 * in-memory emoji set, where there is nothing to decode.
 *
 *   npx tsx --conditions=@glimpse/source bench/data-loader.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIPImageProcessor, padBatch, type TextBatcher } from '@glimpse/models';
import { CaptionLoader, type CaptionDataset } from '@glimpse/train';
import { createCaptionLoader, loadCaptionFolder, loadEmojiDataset, writePng } from '@glimpse/train/node';

const IMAGES = Number(process.env['IMAGES'] ?? 64);
const BATCH = 16;
const STEP_MS = Number(process.env['STEP_MS'] ?? 400);
const REPEATS = Number(process.env['REPEATS'] ?? 3);
const tokenizer: TextBatcher = { call: (t) => padBatch(t.map((s) => [...s].map((c) => c.charCodeAt(0) % 90)), { padding: 'longest', padId: 0 }) };

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

function makeFolder(dir: string): CaptionDataset {
  let seed = 1;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const rows = ['file,caption'];
  for (let k = 0; k < IMAGES; k++) {
    const w = 640;
    const h = 480;
    const data = new Uint8Array(w * h * 3);
    const fx = 2 + rand() * 6;
    const fy = 2 + rand() * 6;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, 128 + 90 * Math.sin((x / w) * fx * (c + 1) + (y / h) * fy) + (rand() - 0.5) * 40));
    writePng(join(dir, `${k}.png`), { width: w, height: h, data });
    rows.push(`${k}.png,image ${k}`);
  }
  writeFileSync(join(dir, 'captions.csv'), rows.join('\n') + '\n');
  return loadCaptionFolder(dir);
}

function timeEpoch(loader: CaptionLoader): { total: number; waiting: number; batches: number } {
  let waiting = 0;
  let batches = 0;
  const t0 = performance.now();
  const it = loader.epoch(0);
  for (;;) {
    const w0 = performance.now();
    const r = it.next();
    waiting += performance.now() - w0;
    if (r.done) break;
    batches++;
    busy(STEP_MS); // the training step
  }
  return { total: performance.now() - t0, waiting, batches };
}

const dir = mkdtempSync(join(tmpdir(), 'glimpse-bench-data-'));
try {
  console.log(`cores: ${availableParallelism()}; ${IMAGES} images 640x480 PNG; batch ${BATCH}; simulated step ${STEP_MS} ms`);
  const t0 = performance.now();
  const ds = makeFolder(dir);
  console.log(`wrote the folder in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const processor = new CLIPImageProcessor();
  for (const augment of [false, true]) {
    for (const workers of [0, 1, 2]) {
      const loader = createCaptionLoader(ds, { batchSize: BATCH, processor, tokenizer, workers, augment, prefetch: 2, seed: 1 });
      timeEpoch(loader); // warm-up (JIT, worker start)
      // Best of REPEATS: the dev machines' cores are shared, so the minimum is the signal.
      let r = timeEpoch(loader);
      for (let k = 1; k < REPEATS; k++) {
        const again = timeEpoch(loader);
        if (again.total < r.total) r = again;
      }
      loader.close();
      const per = r.waiting / r.batches;
      console.log(`${augment ? 'train (RandomResizedCrop 224)' : 'eval (resize 224, crop)     '} workers ${workers}: epoch ${(r.total / 1000).toFixed(2)} s (${r.batches} steps of ${STEP_MS} ms = ${((r.batches * STEP_MS) / 1000).toFixed(2)} s), waiting for data ${per.toFixed(0)} ms per batch`);
    }
  }
  const t1 = performance.now();
  const emoji = loadEmojiDataset({ style: 'google', size: 32 });
  console.log(`emoji google 32 px: loaded ${emoji.images.length} in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
  const eLoader = new CaptionLoader(emoji, { batchSize: 64, processor: new CLIPImageProcessor({ size: 32, crop_size: 32 }), tokenizer, augment: true, seed: 1 });
  const e = (() => {
    const it = eLoader.epoch(0);
    const s = performance.now();
    let n = 0;
    for (let r = it.next(); !r.done; r = it.next()) n++;
    return { ms: performance.now() - s, n };
  })();
  console.log(`emoji in memory, augmented: ${(e.ms / e.n).toFixed(1)} ms per batch of 64 (${e.n} batches) — nothing to decode, so no workers`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
