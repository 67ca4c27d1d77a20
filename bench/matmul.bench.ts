/**
 * float32 square matmul, n×n @ n×n, in GFLOP/s (2n³ / time per call), for Glimpse's cpu backend
 * and its peers, all in this one process and run. Time is benchmark.js's wall-clock mean and,
 * beside it, CPU time: the dev machine's two cores are often shared with other work, which
 * stretches wall time but not CPU time.
 *   - glimpse:   `matmul` from @glimpse/tensor (cache-blocked, register-tiled pure JS)
 *   - naive:     the textbook i-j-k triple loop over Float32Arrays, the floor any kernel must beat
 *   - tfjs-cpu:  @tensorflow/tfjs-backend-cpu (pure JS, tfjs's own blocked loop)
 *   - tfjs-wasm: @tensorflow/tfjs-backend-wasm (XNNPACK compiled to WebAssembly, SIMD when the
 *                runtime has it; its thread count is printed, since the others use one thread)
 * Each timed call ends with the product in a host array: Glimpse and tfjs read theirs out with
 * dataSync() (tfjs also disposes its tensor), the naive loop allocates its own.
 *
 * Run: `pnpm bench` from the root (runs every *.bench.ts), or
 *      `npx tsx --conditions=@glimpse/source bench/matmul.bench.ts`.
 * Writes bench/results/matmul.md for a full run; MATMUL_SIZES=128,256 and MATMUL_IMPLS=glimpse,naive
 * narrow a run (and then write nothing).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { fromArray, matmul } from '@glimpse/tensor';
import { randomArray } from './random.js';

const SIZES = (process.env.MATMUL_SIZES ?? '128,256,512,1024').split(',').map(Number);

/** Returns a function that computes one n×n product of a and b. */
type Prepare = (n: number, a: Float32Array, b: Float32Array) => () => ArrayLike<number>;

interface Impl {
  name: string;
  backend?: 'cpu' | 'wasm';
  prepare: Prepare;
}

const ALL_IMPLS: Impl[] = [
  {
    name: 'glimpse',
    prepare: (n, a, b) => {
      const x = fromArray(a, [n, n]);
      const y = fromArray(b, [n, n]);
      return () => matmul(x, y).dataSync();
    },
  },
  {
    name: 'naive',
    prepare: (n, a, b) => () => naiveMatmul(n, a, b),
  },
  { name: 'tfjs-cpu', backend: 'cpu', prepare: tfjsPrepare },
  { name: 'tfjs-wasm', backend: 'wasm', prepare: tfjsPrepare },
];

const only = process.env.MATMUL_IMPLS?.split(',');
const impls = only ? ALL_IMPLS.filter((i) => only.includes(i.name)) : ALL_IMPLS;
const fullRun = !only && !process.env.MATMUL_SIZES;

function naiveMatmul(n: number, a: Float32Array, b: Float32Array): Float32Array {
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

function tfjsPrepare(n: number, a: Float32Array, b: Float32Array): () => ArrayLike<number> {
  const x = tf.tensor2d(a, [n, n]);
  const y = tf.tensor2d(b, [n, n]);
  return () => {
    const z = tf.matMul(x, y);
    const out = z.dataSync();
    z.dispose();
    return out;
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  // tfjs-wasm uses worker threads where the runtime allows (not in Node 20 as of 4.22); the rest
  // of this table is one thread, so ask it for one too and report what it actually has.
  setThreadsCount(1);
  tf.env().set('PROD', true); // production mode, as a deployment would run it (also drops tfjs's banner)
  await tf.setBackend('wasm');
  const wasmThreads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? getThreadsCount() : 1;
  const wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  console.log(`tfjs-wasm: ${wasmThreads} thread(s), SIMD ${wasmSimd ? 'on' : 'off'}`);

  const wall = new Map<string, string>(); // `${impl}@${n}` → table cell
  const cpuTime = new Map<string, string>();
  const wallRate = new Map<string, number>();
  const cpuRate = new Map<string, number>();
  for (const impl of impls) {
    if (impl.backend) await tf.setBackend(impl.backend);
    for (const n of SIZES) {
      const a = randomArray(n * n, n);
      const b = randomArray(n * n, n + 1);
      const product = impl.prepare(n, a, b);
      const err = checkResult(n, product(), a, b);
      let calls = 0;
      const fn = () => {
        calls++;
        return product();
      };
      // A few samples suffice at these run times (the slowest call here is a few seconds); the
      // caps keep the whole table under three minutes on the 2-core dev machine.
      const bench = new Benchmark(`${impl.name} n=${n}`, fn, { minSamples: 3, maxTime: n >= 1024 ? 1 : 1.5, initCount: 1 });
      const cpu0 = process.cpuUsage();
      bench.run();
      const used = process.cpuUsage(cpu0);
      const cpuSeconds = (used.user + used.system) / 1e6;
      if (bench.error) throw bench.error;
      const key = `${impl.name}@${n}`;
      const g = (2 * n ** 3 * bench.hz) / 1e9;
      const gc = (2 * n ** 3 * calls) / cpuSeconds / 1e9;
      wallRate.set(key, g);
      cpuRate.set(key, gc);
      wall.set(key, `${g.toFixed(2)} ±${bench.stats.rme.toFixed(0)}%`);
      cpuTime.set(key, gc.toFixed(2));
      console.log(`${impl.name.padEnd(10)} n=${String(n).padStart(4)}  ${g.toFixed(2).padStart(6)} GFLOP/s ±${bench.stats.rme.toFixed(1)}% wall, ${gc.toFixed(2).padStart(6)} per CPU second  (${bench.stats.sample.length} samples, max |err| ${err.toExponential(1)})`);
    }
  }
  const wallTable = renderTable(wall, wallRate);
  const cpuTable = renderTable(cpuTime, cpuRate);
  console.log(`\nwall clock (benchmark.js mean):\n${wallTable}\n\nper CPU second:\n${cpuTable}\n`);

  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  const md = `# float32 matmul, n×n @ n×n

Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench\` (bench/matmul.bench.ts), Node ${process.version},
on the 2-core dev machine (${cpu}, ${cpus().length} cores), one thread for every entry
(tfjs-wasm: ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}, SIMD ${wasmSimd ? 'on' : 'off'}).
The machine's 1-minute load average was ${loadBefore.toFixed(1)} before the run and ${loadavg()[0]!.toFixed(1)} after it:
above ~1, other processes shared the two cores and the numbers are lower and noisier than alone.
GFLOP/s = 2n³ / time per call. A call ends with the product in a host array (\`dataSync()\` for
Glimpse and tfjs, plus \`dispose()\` for tfjs). Ratios above 1× mean Glimpse is faster.

Wall clock: benchmark.js's mean time per call, ± its relative margin of error at 95%.

${wallTable}

Per CPU second: the same calls, timed by the process's CPU time (user + system) instead of the
wall clock, so time spent waiting for a core that another process held does not count (work
sharing the core's caches or its sibling hardware thread still slows it). It also charges V8's
background threads (GC, compiling) to the entry, so it errs low rather than high.

${cpuTable}
`;
  if (!fullRun) return; // a narrowed run is for looking, not for the record
  const here = dirname(fileURLToPath(import.meta.url));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'matmul.md'), md);
}

function renderTable(cells: Map<string, string>, rate: Map<string, number>): string {
  const header = `| n | ${impls.map((i) => `${i.name} GFLOP/s`).join(' | ')} | ${impls.slice(1).map((i) => `glimpse / ${i.name}`).join(' | ')} |`;
  const rule = `|${' ---: |'.repeat(2 * impls.length)}`;
  const rows = SIZES.map((n) => {
    const ours = rate.get(`glimpse@${n}`)!;
    const values = impls.map((i) => cells.get(`${i.name}@${n}`)!);
    const ratios = impls.slice(1).map((i) => `${(ours / rate.get(`${i.name}@${n}`)!).toFixed(2)}×`);
    return `| ${n} | ${values.join(' | ')} | ${ratios.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

/** Checks one result against the naive loop where that is quick, so a fast wrong kernel can't win the table. */
function checkResult(n: number, got: ArrayLike<number>, a: Float32Array, b: Float32Array): number {
  if (n > 256) return NaN;
  const want = naiveMatmul(n, a, b);
  let err = 0;
  for (let i = 0; i < n * n; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  if (!(err < 1e-3)) throw new Error(`matmul bench: ${n}×${n} result differs from the naive loop by ${err}`);
  return err;
}

await main();
