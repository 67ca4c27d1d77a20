/**
 * The caption loader: dataset → batches of { pixelValues, inputIds, attentionMask, … } for the
 * training loop (`train`'s EpochData: `batchesPerEpoch` and `epoch(epoch, start)`).
 *
 * - Order: each epoch is a permutation seeded by (seed, epoch); each example's augmentation has
 *   its own generator seeded by (seed, epoch, example). Batch k of epoch e therefore depends on
 *   nothing but (seed, e, k): `epoch(e, k)` resumes exactly where a stopped run left off, with
 *   the same examples, crops and flips.
 * - CaptionPairs: every caption of every image ('captions', one pass over all pairs per epoch, as
 *   BLIP's COCO fine-tuning), or every image once with one of its captions drawn per epoch
 *   ('images'; no image twice in a batch, which a contrastive loss would read as a false negative).
 * - Prefetch: the images of the next `prefetch` batches are submitted to the fetcher before the
 *   current batch is returned, so a worker-thread fetcher (@glimpse/train/node) decodes them
 *   while the training step runs.
 * - Bad images: an image that cannot be decoded is reported once (file and caption-file line),
 *   remembered, and its examples are left out of their batch, which is then smaller; a batch
 *   left with fewer than `minBatchSize` examples borrows the next readable ones of the epoch.
 *   Batch k still starts at the same place, so resumption is unaffected. A count is logged at
 *   the end of each epoch.
 * Pure (no Node imports): file decoding comes in through `decode` or `fetcher`.
 */
import type { ImageProcessor, ImageProcessorOptions, RgbImage, TextBatcher } from '@glimpse/models';
import type { Tensor } from '@glimpse/tensor';
import { Generator } from '@glimpse/tensor';
import { DEFAULT_AUGMENT, swapLeftRight, type AugmentOptions } from './augment.js';
import type { CaptionDataset, CaptionPair } from './dataset.js';
import { InlineFetcher, type DecodeFile, type ImageFetcher, type ImageJob } from './fetch.js';
import { IssueLog, type IssueHandler } from './issues.js';
import { epochOrder, mixSeed } from './seed.js';
import { collateImages, outputSize, processorOptions, type ImageTransform } from './transform.js';

/** Options of `CaptionLoader`. */
export interface LoaderOptions {
  batchSize: number;
  /** Gives the output size and the rescale/normalisation (and, without augmentation, the resize and crop). */
  processor: ImageProcessor | ImageProcessorOptions;
  /** Turns a batch of captions into ids and a mask (a CLIPTokenizer, a BertTokenizer, or a wrapper). */
  tokenizer: TextBatcher;
  /** Seeds the shuffle and the augmentation (default 0). */
  seed?: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  /** Drop the last, smaller batch of an epoch (default: when shuffling, i.e. for training). */
  dropLast?: boolean;
  /** Train-time augmentation (augment.ts): true or options for RandomResizedCrop + flip; false (default) for the processor's own resize and crop. */
  augment?: boolean | AugmentOptions;
  /** 'captions' (default): one example per caption; 'images': one per image, a caption drawn per epoch. */
  examples?: 'captions' | 'images';
  /** Batches whose images are submitted ahead of the current one (default 2). */
  prefetch?: number;
  /** A batch with fewer readable examples borrows the next ones (default min(2, batchSize)). */
  minBatchSize?: number;
  /** Who decodes and transforms (default: in this thread, with `decode` for image files). */
  fetcher?: ImageFetcher;
  /** Reads image files for the default in-thread fetcher (Node: `readImage`). */
  decode?: DecodeFile;
  /** Where unreadable-image reports go (default: console.warn). */
  onIssue?: IssueHandler;
  /** Where the end-of-epoch count of skipped examples goes (default: console.warn; only when some were skipped). */
  log?: (line: string) => void;
}

/** One batch: CLIP's inputs plus what produced them. */
export interface CaptionBatch {
  /** float32 [B, 3, H, W], normalised by the processor's mean and std. */
  pixelValues: Tensor;
  /** int32 [B, T] and the padding mask, from the tokenizer. */
  inputIds: Tensor;
  attentionMask: Tensor;
  /** The captions as tokenised (after a flip's left/right swap). */
  captions: string[];
  /** Dataset image index of each row. */
  imageIndices: number[];
  /** Which rows were mirrored. */
  flipped: boolean[];
  /** Where this batch sits: epoch and batch index in it. */
  epoch: number;
  index: number;
}

/** Batches of a CaptionDataset, seeded and resumable; see the file comment. */
export class CaptionLoader {
  /** CaptionPairs per epoch. */
  readonly size: number;
  readonly batchesPerEpoch: number;
  /** Unreadable images met so far (each reported once). */
  readonly issues: IssueLog;
  private readonly opts: Required<Pick<LoaderOptions, 'batchSize' | 'seed' | 'shuffle' | 'dropLast' | 'examples' | 'prefetch' | 'minBatchSize'>>;
  private readonly transform: ImageTransform;
  private readonly processor: ImageProcessorOptions;
  private readonly augment: Required<AugmentOptions> | null;
  private readonly fetcher: ImageFetcher;
  private readonly log: (line: string) => void;
  private readonly bad = new Set<number>();
  private readonly skippedPerEpoch = new Map<number, number>();
  private nextJob = 0;

  constructor(readonly dataset: CaptionDataset, private readonly options: LoaderOptions) {
    const op = 'CaptionLoader';
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${op}: batchSize must be a positive integer, got ${batchSize}`);
    if (!options.tokenizer || typeof options.tokenizer.call !== 'function') throw new Error(`${op}: tokenizer must have call(texts) → { inputIds, attentionMask }`);
    const shuffle = options.shuffle ?? true;
    const examples = options.examples ?? 'captions';
    if (examples !== 'captions' && examples !== 'images') throw new Error(`${op}: examples must be 'captions' or 'images', got ${JSON.stringify(examples)}`);
    const prefetch = options.prefetch ?? 2;
    if (!Number.isInteger(prefetch) || prefetch < 0) throw new Error(`${op}: prefetch must be a non-negative integer, got ${prefetch}`);
    const minBatchSize = options.minBatchSize ?? Math.min(2, batchSize);
    if (!Number.isInteger(minBatchSize) || minBatchSize < 1 || minBatchSize > batchSize) throw new Error(`${op}: minBatchSize must be an integer in [1, batchSize], got ${minBatchSize}`);
    this.opts = { batchSize, seed: options.seed ?? 0, shuffle, dropLast: options.dropLast ?? shuffle, examples, prefetch, minBatchSize };
    if (!Number.isSafeInteger(this.opts.seed)) throw new Error(`${op}: seed must be a safe integer, got ${this.opts.seed}`);
    this.processor = processorOptions(options.processor);
    this.augment = options.augment ? { ...DEFAULT_AUGMENT, ...(options.augment === true ? {} : options.augment) } : null;
    this.transform = this.augment ? { kind: 'train', size: outputSize(this.processor), augment: this.augment } : { kind: 'eval', processor: this.processor };
    this.size = examples === 'images' ? dataset.images.length : dataset.images.reduce((n, img) => n + img.captions.length, 0);
    if (this.size === 0) throw new Error(`${op}: ${dataset.name} has no examples`);
    if (this.opts.dropLast && this.size < batchSize) {
      throw new Error(`${op}: ${dataset.name} has ${this.size} examples, fewer than one batch of ${batchSize} (dropLast is on; pass dropLast: false or a smaller batchSize)`);
    }
    this.batchesPerEpoch = this.opts.dropLast ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
    this.issues = new IssueLog(options.onIssue);
    this.fetcher = options.fetcher ?? new InlineFetcher(options.decode);
    this.log = options.log ?? ((line) => console.warn(line));
  }

  /** CaptionPair `i` of `epoch` before shuffling: which image and caption. */
  private example(epoch: number, i: number, pairs: readonly CaptionPair[] | null): CaptionPair {
    if (pairs) return pairs[i]!;
    const n = this.dataset.images[i]!.captions.length;
    return { image: i, caption: n === 1 ? 0 : new Generator(mixSeed(this.opts.seed, 0xc4, epoch, i)).integer(0, n) };
  }

  /** How many examples of `epoch` were left out because their image could not be read (so far). */
  skipped(epoch: number): number {
    return this.skippedPerEpoch.get(epoch) ?? 0;
  }

  /** The batches of `epoch` from batch `start` on (what the trainer iterates). */
  *epoch(epoch: number, start = 0): IterableIterator<CaptionBatch> {
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`CaptionLoader.epoch: epoch must be a non-negative integer, got ${epoch}`);
    if (!Number.isInteger(start) || start < 0 || start > this.batchesPerEpoch) throw new Error(`CaptionLoader.epoch: start must be an integer in [0, ${this.batchesPerEpoch}], got ${start}`);
    const { batchSize, seed, shuffle, prefetch } = this.opts;
    const order = epochOrder(this.size, seed, epoch, shuffle);
    const pairs = this.opts.examples === 'captions' ? this.allPairs() : null;
    const pending = new Map<number, ImageJob>(); // slot → submitted job
    const slotExample = (slot: number) => this.example(epoch, order[slot]!, pairs);
    const jobFor = (slot: number): ImageJob => {
      const ex = slotExample(slot);
      return { id: this.nextJob++, ref: this.dataset.images[ex.image]!.ref, transform: this.transform, seed: mixSeed(seed, 0xa06, epoch, order[slot]!) };
    };
    const submitBatch = (b: number) => {
      for (let s = b * batchSize; s < Math.min((b + 1) * batchSize, this.size); s++) {
        if (pending.has(s) || this.bad.has(slotExample(s).image)) continue;
        const job = jobFor(s);
        pending.set(s, job);
        this.fetcher.submit(job);
      }
    };
    let submittedUpTo = start - 1;
    try {
      for (let b = start; b < this.batchesPerEpoch; b++) {
        for (; submittedUpTo < Math.min(b + prefetch, this.batchesPerEpoch - 1); ) submitBatch(++submittedUpTo);
        yield this.assemble(epoch, b, slotExample, pending, jobFor);
      }
      const skipped = this.skipped(epoch);
      if (skipped > 0) {
        this.log(`glimpse data: epoch ${epoch} of ${this.dataset.name}: left out ${skipped} of ${this.size} examples whose image could not be read (${this.bad.size} unreadable images so far; each reported above)`);
      }
    } finally {
      for (const job of pending.values()) this.fetcher.cancel(job);
      pending.clear();
    }
  }

  /** Batch `index` of `epoch` alone (random access; no prefetch). */
  batch(epoch: number, index: number): CaptionBatch {
    const it = this.epoch(epoch, index);
    try {
      const r = it.next();
      if (r.done) throw new Error(`CaptionLoader.batch: epoch has ${this.batchesPerEpoch} batches, no batch ${index}`);
      return r.value;
    } finally {
      it.return?.();
    }
  }

  /** Ends the fetcher's worker threads, if any. */
  close(): void {
    this.fetcher.close();
  }

  private pairsCache: CaptionPair[] | null = null;
  private allPairs(): CaptionPair[] {
    return (this.pairsCache ??= this.dataset.images.flatMap((img, image) => img.captions.map((_, caption) => ({ image, caption }))));
  }

  private assemble(
    epoch: number,
    b: number,
    slotExample: (slot: number) => CaptionPair,
    pending: Map<number, ImageJob>,
    jobFor: (slot: number) => ImageJob,
  ): CaptionBatch {
    const { batchSize, minBatchSize } = this.opts;
    const rows: { ex: CaptionPair; image: RgbImage; flipped: boolean }[] = [];
    const take = (slot: number, borrowed: boolean): void => {
      const ex = slotExample(slot);
      if (this.bad.has(ex.image)) {
        if (borrowed) return;
        this.skippedPerEpoch.set(epoch, this.skipped(epoch) + 1);
        const stale = pending.get(slot);
        if (stale) {
          this.fetcher.cancel(stale);
          pending.delete(slot);
        }
        return;
      }
      let job = borrowed ? undefined : pending.get(slot);
      if (job) pending.delete(slot);
      else {
        job = jobFor(slot);
        this.fetcher.submit(job);
      }
      const result = this.fetcher.take(job);
      if (result.ok) {
        rows.push({ ex, image: result.image, flipped: result.flipped });
        return;
      }
      this.bad.add(ex.image);
      if (!borrowed) this.skippedPerEpoch.set(epoch, this.skipped(epoch) + 1);
      const img = this.dataset.images[ex.image]!;
      const origin = img.origins?.[0];
      const path = 'path' in img.ref ? img.ref.path : `image ${img.id}`;
      this.issues.add({
        file: origin?.file ?? path,
        ...(origin?.line !== undefined ? { line: origin.line } : {}),
        ...(origin?.at !== undefined ? { at: origin.at } : {}),
        problem: `unreadable image: ${path}: ${result.error}`,
      });
    };
    const end = Math.min((b + 1) * batchSize, this.size);
    for (let s = b * batchSize; s < end; s++) take(s, false);
    // Too few readable examples: borrow the next readable ones of the epoch (wrapping around).
    for (let k = 0, s = end % this.size; rows.length < minBatchSize && k < this.size - (end - b * batchSize); k++, s = (s + 1) % this.size) take(s, true);
    if (rows.length === 0) throw new Error(`CaptionLoader: no image of ${this.dataset.name} could be read (${this.bad.size} unreadable; see the reports above)`);

    const captions = rows.map(({ ex, flipped }) => {
      const c = this.dataset.images[ex.image]!.captions[ex.caption]!;
      return flipped && this.augment?.swapLeftRight ? swapLeftRight(c) : c;
    });
    const { inputIds, attentionMask } = this.options.tokenizer.call(captions);
    return {
      pixelValues: collateImages(rows.map((r) => r.image), this.processor),
      inputIds,
      attentionMask,
      captions,
      imageIndices: rows.map((r) => r.ex.image),
      flipped: rows.map((r) => r.flipped),
      epoch,
      index: b,
    };
  }
}
