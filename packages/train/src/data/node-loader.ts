/**
 * The caption loader with Node's file decoding wired in: image files are read with
 * @glimpse/models' `readImage`, on worker threads when `workers` > 0 ('auto': one per spare
 * core, up to 4, for datasets of files; none for datasets already in memory — see
 * worker-fetcher.ts for the measurements behind that choice).
 */
import { readImage } from '@glimpse/models/node';
import type { CaptionDataset } from './dataset.js';
import { InlineFetcher } from './fetch.js';
import { CaptionLoader, type LoaderOptions } from './loader.js';
import { autoWorkers, WorkerFetcher } from './worker-fetcher.js';

/** LoaderOptions plus the number of decode workers. */
export interface NodeLoaderOptions extends Omit<LoaderOptions, 'fetcher' | 'decode'> {
  /** Decode worker threads (default 'auto'). */
  workers?: number | 'auto';
}

/** A CaptionLoader that reads image files (see the file comment); call `close()` when done with it. */
export function createCaptionLoader(dataset: CaptionDataset, opts: NodeLoaderOptions): CaptionLoader {
  const hasFiles = dataset.images.some((img) => 'path' in img.ref);
  const workers = opts.workers === undefined || opts.workers === 'auto' ? autoWorkers(hasFiles) : opts.workers;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`createCaptionLoader: workers must be a non-negative integer or 'auto', got ${opts.workers}`);
  const fetcher = workers > 0 && hasFiles ? new WorkerFetcher(workers, { decode: readImage, ...(opts.log ? { log: opts.log } : {}) }) : new InlineFetcher(readImage);
  return new CaptionLoader(dataset, { ...opts, fetcher });
}
