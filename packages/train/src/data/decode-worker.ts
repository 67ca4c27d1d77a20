/**
 * The body of a decode worker thread (started by `WorkerFetcher`): receives `ImageJob`s for
 * image files on its parentPort, decodes and transforms each with the same code as the
 * in-thread path (`runImageJob` with @glimpse/models' `readImage`), and posts the result on its
 * own MessagePort, bumping a shared counter so that a main thread blocked in `Atomics.wait` wakes.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { readImage } from '@glimpse/models/node';
import { runImageJob, type ImageJob } from './fetch.js';

/** What the worker gets as workerData. */
export interface DecodeWorkerData {
  /** Results go here (the main thread reads them with receiveMessageOnPort). */
  readonly port: MessagePort;
  /** Int32 counter, incremented and notified after each posted result. */
  readonly signal: SharedArrayBuffer;
}

/** A result as posted: the image bytes travel as a transferred ArrayBuffer. */
export type WorkerResult =
  | { readonly id: number; readonly ok: true; readonly width: number; readonly height: number; readonly data: Uint8Array; readonly flipped: boolean }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly fatal: string };

/** Starts serving jobs (called by the worker's bootstrap after this module loads). */
export function startDecodeWorker({ port, signal }: DecodeWorkerData): void {
  const counter = new Int32Array(signal);
  if (!parentPort) throw new Error('startDecodeWorker: not running in a worker thread');
  parentPort.on('message', (job: ImageJob) => {
    const r = runImageJob(job, readImage);
    if (r.ok) {
      let data = r.image.data;
      if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice();
      const msg: WorkerResult = { id: job.id, ok: true, width: r.image.width, height: r.image.height, data, flipped: r.flipped };
      port.postMessage(msg, [data.buffer as ArrayBuffer]);
    } else {
      port.postMessage({ id: job.id, ok: false, error: r.error } satisfies WorkerResult);
    }
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  });
}
