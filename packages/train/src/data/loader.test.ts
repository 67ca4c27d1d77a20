import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIPImageProcessor, padBatch, type TextBatcher } from '@glimpse/models';
import { readImage } from '@glimpse/models/node';
import { afterAll, describe, expect, it } from 'vitest';
import type { EpochData } from '../trainer.js';
import { loadCaptionFolder } from './caption-files.js';
import type { CaptionDataset } from './dataset.js';
import { InlineFetcher, type ImageFetcher, type ImageJob } from './fetch.js';
import type { DataIssue } from './issues.js';
import { CaptionLoader, type CaptionBatch } from './loader.js';
import { createCaptionLoader } from './node-loader.js';
import { makeShapes, shapesDataset } from './shapes.js';
import { writeShapesFolder } from './shapes-io.js';

/** A stand-in tokenizer: one id per character. */
const charTokenizer: TextBatcher = {
  call: (texts) => padBatch(texts.map((t) => [...t].map((c) => 1 + (c.charCodeAt(0) % 97))), { padding: 'longest', padId: 0 }),
};
const processor = new CLIPImageProcessor({ size: 16, crop_size: 16 });
const quiet = { onIssue: () => {}, log: () => {} };

/** Three captions on most images, to exercise both example modes. */
function multiCaption(n: number): CaptionDataset {
  const items = makeShapes({ count: n, seed: 1, size: 16 });
  return {
    name: 'multi',
    issues: [],
    images: items.map((it, i) => ({ id: String(i), ref: { image: it.image }, captions: i % 4 === 0 ? [it.caption] : [it.caption, `${it.caption} (2)`, `${it.caption} (3)`] })),
  };
}

/** Everything that makes a batch, as comparable data. */
function fingerprint(b: CaptionBatch) {
  return { epoch: b.epoch, index: b.index, captions: b.captions, images: b.imageIndices, flipped: b.flipped, pixels: Buffer.from(b.pixelValues.dataSync().buffer).toString('base64'), ids: [...b.inputIds.dataSync()] };
}

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-loader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CaptionLoader', () => {
  const ds = multiCaption(30); // 8 images with 1 caption, 22 with 3: 74 pairs

  it('is what the trainer iterates (EpochData), with CLIP inputs in every batch', () => {
    const loader = new CaptionLoader(ds, { batchSize: 8, processor, tokenizer: charTokenizer, seed: 1 });
    const data: EpochData<CaptionBatch> = loader;
    expect(data.batchesPerEpoch).toBe(9); // 74 pairs, the ragged tail dropped when shuffling
    const [b] = loader.epoch(0);
    expect(b!.pixelValues.shape).toEqual([8, 3, 16, 16]);
    expect(b!.pixelValues.dtype).toBe('float32');
    expect(b!.inputIds.shape[0]).toBe(8);
    expect(b!.attentionMask.shape).toEqual(b!.inputIds.shape);
  });

  it("'captions': every pair once per epoch, in a seeded order that changes per epoch", () => {
    const loader = new CaptionLoader(ds, { batchSize: 10, processor, tokenizer: charTokenizer, seed: 3, dropLast: false });
    expect(loader.batchesPerEpoch).toBe(8);
    const epoch0 = [...loader.epoch(0)];
    const seen = epoch0.flatMap((b) => b.captions.map((c, i) => `${b.imageIndices[i]}|${c}`)).sort();
    const all = ds.images.flatMap((img, i) => img.captions.map((c) => `${i}|${c}`)).sort();
    expect(seen).toEqual(all);
    expect(epoch0.at(-1)!.captions.length).toBe(4);
    const epoch1 = [...loader.epoch(1)];
    expect(epoch1[0]!.captions).not.toEqual(epoch0[0]!.captions);
    // Another loader with the same seed gives the same batches; another seed does not.
    expect([...new CaptionLoader(ds, { batchSize: 10, processor, tokenizer: charTokenizer, seed: 3, dropLast: false }).epoch(1)].map(fingerprint)).toEqual(epoch1.map(fingerprint));
    expect(new CaptionLoader(ds, { batchSize: 10, processor, tokenizer: charTokenizer, seed: 4 }).batch(1, 0).captions).not.toEqual(epoch1[0]!.captions);
  });

  it("'images': every image once per epoch with a caption drawn per epoch", () => {
    const loader = new CaptionLoader(ds, { batchSize: 6, processor, tokenizer: charTokenizer, seed: 3, examples: 'images' });
    expect(loader.size).toBe(30);
    const e0 = [...loader.epoch(0)];
    expect(e0.flatMap((b) => b.imageIndices).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const captionOf = (batches: CaptionBatch[]) => new Map(batches.flatMap((b) => b.imageIndices.map((img, i) => [img, b.captions[i]!] as const)));
    const c0 = captionOf(e0);
    const c1 = captionOf([...loader.epoch(1)]);
    expect([...c0.keys()].filter((k) => c0.get(k) !== c1.get(k)).length).toBeGreaterThan(5);
  });

  it('resumes exactly: epoch(e, k) yields batches k… of epoch e, bit for bit, augmentation included', () => {
    const opts = { batchSize: 7, processor, tokenizer: charTokenizer, seed: 9, augment: true } as const;
    const full = [...new CaptionLoader(ds, opts).epoch(2)].map(fingerprint);
    const resumed = [...new CaptionLoader(ds, opts).epoch(2, 4)].map(fingerprint);
    expect(resumed).toEqual(full.slice(4));
    expect(fingerprint(new CaptionLoader(ds, opts).batch(2, 6))).toEqual(full[6]);
  });

  it('augments in training (crop + flip, left/right swapped in flipped captions) and not in evaluation', () => {
    const items = makeShapes({ count: 40, seed: 2, size: 16, pairProbability: 1, relations: ['left of'] });
    const shapes = shapesDataset(items);
    const evalLoader = new CaptionLoader(shapes, { batchSize: 40, processor, tokenizer: charTokenizer, shuffle: false });
    const plain = evalLoader.batch(0, 0);
    expect(plain.captions).toEqual(items.map((i) => i.caption));
    expect(plain.flipped.every((f) => !f)).toBe(true);
    const train = new CaptionLoader(shapes, { batchSize: 40, processor, tokenizer: charTokenizer, shuffle: false, augment: { scale: [0.9, 1] } }).batch(0, 0);
    expect(train.flipped.filter(Boolean).length).toBeGreaterThan(8);
    train.captions.forEach((c, i) => expect(c).toBe(train.flipped[i] ? items[i]!.caption.replace('left of', 'right of') : items[i]!.caption));
    expect(Buffer.from(train.pixelValues.dataSync().buffer).equals(Buffer.from(plain.pixelValues.dataSync().buffer))).toBe(false);
  });

  it('submits the next `prefetch` batches before handing out the current one', () => {
    const log: string[] = [];
    const inner = new InlineFetcher();
    const spy: ImageFetcher = {
      submit: (job: ImageJob) => log.push(`submit ${job.id}`),
      take: (job: ImageJob) => (log.push(`take ${job.id}`), inner.take(job)),
      cancel: (job: ImageJob) => log.push(`cancel ${job.id}`),
      close: () => {},
    };
    const loader = new CaptionLoader(ds, { batchSize: 4, processor, tokenizer: charTokenizer, fetcher: spy, prefetch: 2, examples: 'images' });
    const it = loader.epoch(0);
    it.next();
    // Batches 0, 1, 2 (12 jobs) submitted, then batch 0's 4 taken.
    expect(log.slice(0, 12).every((l) => l.startsWith('submit'))).toBe(true);
    expect(log.slice(12)).toEqual(['take 0', 'take 1', 'take 2', 'take 3']);
    it.next();
    expect(log.slice(16, 20).every((l) => l.startsWith('submit'))).toBe(true); // batch 3
    it.return!();
    expect(log.filter((l) => l.startsWith('cancel')).length).toBe(8); // batches 2 and 3: submitted, never taken
  });

  it('checks its options', () => {
    expect(() => new CaptionLoader(ds, { batchSize: 0, processor, tokenizer: charTokenizer })).toThrow(/batchSize must be a positive integer/);
    expect(() => new CaptionLoader(ds, { batchSize: 100, processor, tokenizer: charTokenizer })).toThrow(/74 examples, fewer than one batch of 100 \(dropLast is on/);
    expect(() => new CaptionLoader(ds, { batchSize: 4, processor, tokenizer: charTokenizer }).batch(0, 99)).toThrow(/start must be an integer in \[0, 18\]/);
  });
});

describe('unreadable images: reported, skipped, counted; the epoch goes on', () => {
  const items = makeShapes({ count: 24, seed: 5, size: 16 });
  const dir = join(tmp, 'broken');
  writeShapesFolder(dir, items);
  // Break three images in different ways (rows 2, 9, 16 of captions.csv = images 1, 8, 15).
  const png = (i: number) => join(dir, 'images', `${String(i).padStart(5, '0')}.png`);
  writeFileSync(png(1), readFileSync(png(1)).subarray(0, 60)); // truncated
  writeFileSync(png(8), 'not an image at all');
  writeFileSync(png(15), Buffer.alloc(0));

  function load(workers: number) {
    const issues: DataIssue[] = [];
    const logs: string[] = [];
    const ds = loadCaptionFolder(dir, quiet);
    const loader = createCaptionLoader(ds, { batchSize: 5, processor, tokenizer: charTokenizer, seed: 2, workers, onIssue: (i) => issues.push(i), log: (l) => logs.push(l) });
    return { ds, loader, issues, logs };
  }

  it('in-thread: each bad image reported once with its caption-file line; batches shrink; a count per epoch', () => {
    const { loader, issues, logs } = load(0);
    const e0 = [...loader.epoch(0)];
    expect(e0.length).toBe(4);
    // 4 batches cover 20 of the 24 shuffled examples; the bad ones among them are left out.
    expect(e0.reduce((n, b) => n + b.captions.length, 0)).toBe(20 - loader.skipped(0));
    const bad = new Set([1, 8, 15]);
    for (const b of e0) for (const img of b.imageIndices) expect(bad.has(img)).toBe(false);
    const skipped0 = loader.skipped(0);
    expect(issues.length).toBe(skipped0);
    for (const i of issues) {
      expect(i.file).toBe(join(dir, 'captions.csv'));
      expect([3, 10, 17]).toContain(i.line); // header is line 1, image k is on line k + 2
      expect(i.problem).toMatch(/^unreadable image: .*\.png: decodeImage: /);
    }
    if (skipped0 > 0) expect(logs).toEqual([expect.stringMatching(new RegExp(`^glimpse data: epoch 0 of broken: left out ${skipped0} of 24 examples`))]);
    // Over two more epochs all three are met, each reported once.
    [...loader.epoch(1)];
    [...loader.epoch(2)];
    expect(issues.map((i) => i.line).sort((a, b) => a! - b!)).toEqual([3, 10, 17]);
    expect(loader.skipped(1) + loader.skipped(2)).toBeGreaterThan(0);
    loader.close();
  });

  it('on a worker thread: the same batches and the same reports', () => {
    const a = load(0);
    const b = load(1);
    for (const e of [0, 1]) {
      const inThread = [...a.loader.epoch(e)].map(fingerprint);
      const onWorker = [...b.loader.epoch(e)].map(fingerprint);
      expect(onWorker).toEqual(inThread);
    }
    expect(b.issues.map((i) => i.line)).toEqual(a.issues.map((i) => i.line));
    expect(b.logs).toEqual(a.logs);
    b.loader.close();
  });

  it('a batch with fewer than minBatchSize readable images borrows the next readable ones', () => {
    const ds = loadCaptionFolder(dir, quiet);
    const loader = new CaptionLoader(ds, { batchSize: 2, processor, tokenizer: charTokenizer, shuffle: false, dropLast: false, decode: readImage, ...quiet });
    // Unshuffled batch 0 = images 0, 1; image 1 is broken, so image 2 is borrowed.
    const b0 = loader.batch(0, 0);
    expect(b0.imageIndices).toEqual([0, 2]);
    expect(loader.skipped(0)).toBe(1);
  });

  it('only a dataset with no readable image at all is an error', () => {
    const broken: CaptionDataset = { name: 'none', issues: [], images: [1, 8, 15].map((i) => ({ id: String(i), ref: { path: png(i) }, captions: ['x'] })) };
    const loader = new CaptionLoader(broken, { batchSize: 2, processor, tokenizer: charTokenizer, decode: readImage, ...quiet });
    expect(() => loader.batch(0, 0)).toThrow(/no image of none could be read \(3 unreadable/);
  });
});
