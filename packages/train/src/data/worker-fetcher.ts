/**
 * An ImageFetcher that decodes image files on worker threads, so decoding overlaps the training
 * step on another core. The loader's API stays synchronous (the trainer iterates a plain
 * Iterable): results come back on MessagePorts read with `receiveMessageOnPort`, and the main
 * thread blocks in `Atomics.wait` on a shared counter the workers bump — no event-loop turn is
 * needed while the trainer computes.
 *
 * When it pays (measured on the 2-core dev machine, bench/data-loader.bench.ts): decoding a
 * 640×480 JPEG with jpeg-js takes ~110 ms, a PNG of that size ~60 ms with pngjs, and the bicubic
 * resize to 224 another ~30 ms — a batch of 32 COCO-sized photos is 3–4 s of work, as long as
 * several tiny-model training steps (the tiny CLIP step of bench/results is ~0.8 s at batch 32).
 * That work belongs on another core, so `workers: 'auto'` gives file datasets one worker per
 * spare core. Images already in memory (the emoji sheets, the shapes set) need only a 32×32 crop
 * and flip per example: ~25 ms per batch of 64, ~2% of a step; workers would add copying and
 * nothing else, so 'auto' uses none for them. (With the dev machine's cores saturated by other
 * jobs, the bench showed no gain from a worker — there was no idle core to gain from; the
 * overlap needs one.)
 *
 * Workers run the compiled `decode-worker.js` next to this file; when Glimpse runs from its
 * TypeScript sources (tsx, vitest), the worker registers tsx's loader first and resolves
 * workspace packages with the '@glimpse/source' condition. A worker that fails to start, or dies,
 * is reported once and its jobs are done in this thread instead.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { runImageJob, type DecodeFile, type ImageFetcher, type ImageJob, type JobResult } from './fetch.js';
import type { WorkerResult } from './decode-worker.js';

/** Options of `WorkerFetcher`. */
export interface WorkerFetcherOptions {
  /** Decoder for jobs done in this thread (fallback, and jobs whose image is in memory). */
  decode: DecodeFile;
  /** Where problems with the workers themselves are reported (default console.warn). */
  log?: (line: string) => void;
  /** How long `take` waits for a worker before doing the job itself (default 60 s). */
  timeoutMs?: number;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  busy: number;
  dead: boolean;
}

/** The number of decode workers 'auto' picks: none for in-memory data, else the spare cores (1–4). */
export function autoWorkers(hasFiles: boolean): number {
  if (!hasFiles) return 0;
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

function bootstrapSource(): { url: URL; execArgv: string[] } {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const workerModule = new URL(fromSource ? './decode-worker.ts' : './decode-worker.js', here).href;
  let register = '';
  if (fromSource) {
    // Resolved here, in the main thread, where tsx is known to be loaded.
    const api = import.meta.resolve('tsx/esm/api');
    register = `const tsx = await import(${JSON.stringify(api)}); tsx.register();`;
  }
  const code = `
const { workerData } = await import('node:worker_threads');
try {
  ${register}
  const m = await import(${JSON.stringify(workerModule)});
  m.startDecodeWorker(workerData);
} catch (e) {
  workerData.port.postMessage({ fatal: String((e && e.stack) || e) });
  const c = new Int32Array(workerData.signal); Atomics.add(c, 0, 1); Atomics.notify(c, 0);
}`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(code)}`), execArgv: fromSource ? ['--conditions=@glimpse/source'] : [] };
}

/** Decodes on `count` worker threads; see the file comment. */
export class WorkerFetcher implements ImageFetcher {
  private readonly slots: Slot[] = [];
  private readonly signal = new SharedArrayBuffer(4);
  private readonly counter = new Int32Array(this.signal);
  private readonly results = new Map<number, JobResult>();
  private readonly owner = new Map<number, Slot>();
  private readonly cancelled = new Set<number>();
  private readonly log: (line: string) => void;
  private readonly timeoutMs: number;

  constructor(count: number, private readonly opts: WorkerFetcherOptions) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`WorkerFetcher: count must be a positive integer, got ${count}`);
    this.log = opts.log ?? ((line) => console.warn(line));
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    let boot: { url: URL; execArgv: string[] };
    try {
      boot = bootstrapSource();
    } catch (e) {
      this.log(`glimpse data: decode workers unavailable (${(e as Error).message}); decoding in the main thread`);
      return;
    }
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(boot.url, { workerData: { port: port2, signal: this.signal }, transferList: [port2], execArgv: boot.execArgv });
      worker.unref();
      port1.unref();
      const slot: Slot = { worker, port: port1, busy: 0, dead: false };
      worker.on('error', (e) => this.kill(slot, e.message));
      this.slots.push(slot);
    }
  }

  /** Live workers. */
  get workers(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  submit(job: ImageJob): void {
    if (!('path' in job.ref)) return; // pixels already in memory: nothing to decode
    const live = this.slots.filter((s) => !s.dead);
    if (live.length === 0) return;
    const slot = live.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    this.owner.set(job.id, slot);
    slot.worker.postMessage(job);
  }

  take(job: ImageJob): JobResult {
    const slot = this.owner.get(job.id);
    if (!slot) return runImageJob(job, this.opts.decode);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      this.drain();
      const r = this.results.get(job.id);
      if (r) {
        this.results.delete(job.id);
        return r;
      }
      if (slot.dead || !this.owner.has(job.id)) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.kill(slot, `no result within ${this.timeoutMs} ms`);
        break;
      }
      Atomics.wait(this.counter, 0, seen, Math.min(left, 1000));
    }
    this.owner.delete(job.id);
    return runImageJob(job, this.opts.decode);
  }

  cancel(job: ImageJob): void {
    if (this.owner.has(job.id)) this.cancelled.add(job.id);
    this.results.delete(job.id);
  }

  close(): void {
    for (const s of this.slots) {
      s.dead = true;
      s.port.close();
      void s.worker.terminate();
    }
    this.results.clear();
    this.owner.clear();
  }

  private drain(): void {
    for (const slot of this.slots) {
      if (slot.dead) continue;
      for (let m = receiveMessageOnPort(slot.port); m; m = receiveMessageOnPort(slot.port)) {
        const msg = m.message as WorkerResult;
        if ('fatal' in msg) {
          this.kill(slot, `failed to start: ${msg.fatal.split('\n')[0]}`);
          break;
        }
        slot.busy--;
        this.owner.delete(msg.id);
        if (this.cancelled.delete(msg.id)) continue;
        this.results.set(msg.id, msg.ok ? { ok: true, image: { width: msg.width, height: msg.height, data: msg.data }, flipped: msg.flipped } : { ok: false, error: msg.error });
      }
    }
  }

  private kill(slot: Slot, why: string): void {
    if (slot.dead) return;
    slot.dead = true;
    this.log(`glimpse data: a decode worker stopped (${why}); its images are decoded in the main thread`);
    for (const [id, s] of this.owner) if (s === slot) this.owner.delete(id);
    slot.port.close();
    void slot.worker.terminate();
  }
}
