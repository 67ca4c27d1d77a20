/**
 * Getting an example's pixels: decode (for a file) and run the geometric transform. The loader
 * asks an `ImageFetcher` for them in two steps — `submit` when the batch enters the prefetch
 * window, `take` when it is needed — so a fetcher backed by worker threads decodes ahead while
 * the training step runs, and one that works in-thread simply does the work at `take`.
 * Pure (no Node imports): reading files is the job of the `decode` function passed in.
 */
import type { RgbImage } from '@glimpse/models';
import type { ImageRef } from './dataset.js';
import { applyTransform, type ImageTransform } from './transform.js';

/** One example's image work, as plain data. */
export interface ImageJob {
  /** Unique per loader, to match results. */
  readonly id: number;
  readonly ref: ImageRef;
  readonly transform: ImageTransform;
  /** Seeds the augmentation (see seed.ts). */
  readonly seed: number;
}

/** A job's outcome: the prepared image, or why it could not be read. */
export type JobResult = { readonly ok: true; readonly image: RgbImage; readonly flipped: boolean } | { readonly ok: false; readonly error: string };

/** Does `ImageJob`s: `submit` may start them early, `take` returns the result (blocking if need be). */
export interface ImageFetcher {
  submit(job: ImageJob): void;
  take(job: ImageJob): JobResult;
  /** Forgets a submitted job whose result is no longer wanted. */
  cancel(job: ImageJob): void;
  close(): void;
}

/** Decodes an image file (in Node: `readImage` from @glimpse/models/node). */
export type DecodeFile = (path: string) => RgbImage;

/** Runs one job in this thread. */
export function runImageJob(job: ImageJob, decode?: DecodeFile): JobResult {
  try {
    let img: RgbImage;
    if ('image' in job.ref) img = job.ref.image;
    else if (decode) img = decode(job.ref.path);
    else throw new Error(`no decoder for image files was given (cannot read ${job.ref.path})`);
    return { ok: true, ...applyTransform(img, job.transform, job.seed) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Does every job in the calling thread, at `take`. */
export class InlineFetcher implements ImageFetcher {
  constructor(private readonly decode?: DecodeFile) {}
  submit(): void {}
  take(job: ImageJob): JobResult {
    return runImageJob(job, this.decode);
  }
  cancel(): void {}
  close(): void {}
}
