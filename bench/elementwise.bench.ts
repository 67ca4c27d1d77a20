/**
 * float32 element-wise ops and a reduction, in million elements per second (n / CPU time per
 * call), for Glimpse's cpu backend and tfjs-cpu, plus one full training step of a tiny CLIP:
 *   - add:      x + y, both [n/256, 256] and contiguous
 *   - mul row:  x [n/256, 256] · r [256] (the row broadcast of a bias or a LayerNorm scale)
 *   - exp:      exp(x)
 *   - sum last: x [n/256, 256] summed over the last axis
 *   - copy T:   the contiguous copy of x [n/256, 256] transposed (a strided read)
 * for n = 2^16 and 2^20 elements. A call ends with the result materialised in a host-side array
 * (both libraries are eager on the cpu; tfjs disposes its tensor).
 *
 * The tiny-CLIP step is forward + contrastive loss + backward + AdamW + zeroGrad of
 * CLIPModel.create with batch 32, width 64, 2 layers per tower, 32×32 images (patch 8) and
 * 16 text tokens: the shapes where element-wise overhead, not gemm, sets the pace.
 *
 * Run: `pnpm bench elementwise` from the root, or
 *      `npx tsx --conditions=@glimpse/source bench/elementwise.bench.ts`.
 * A full run writes bench/results/elementwise.md, comparing with the figures saved in
 * bench/results/elementwise.baseline.json when that file exists (ELEMENTWISE_SAVE_BASELINE=1 saves
 * this run's figures there instead, with the commit they came from). ELEMENTWISE_CASES=add,clip
 * narrows a run (and then writes nothing).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { CLIPModel } from '@glimpse/models';
import { Generator, fromArray, randint, randn, tensor, where, type Tensor } from '@glimpse/tensor';
import { AdamW } from '@glimpse/train';
import { randomArray } from './random.js';

const SIZES = [2 ** 16, 2 ** 20];
const COLS = 256;

/** One element-wise case: how Glimpse and tfjs compute it from the same host arrays. */
interface Case {
  name: string;
  glimpse: (x: Tensor, y: Tensor, row: Tensor) => Tensor;
  tfjs: (x: tf.Tensor2D, y: tf.Tensor2D, row: tf.Tensor1D) => tf.Tensor;
  /** The float64 reference of element i of the result. */
  check: (x: Float32Array, y: Float32Array, row: Float32Array, n: number) => Float64Array;
}

const CASES: Case[] = [
  {
    name: 'add',
    glimpse: (x, y) => x.add(y),
    tfjs: (x, y) => tf.add(x, y),
    check: (x, y) => Float64Array.from(x, (v, i) => v + y[i]!),
  },
  {
    name: 'mul row',
    glimpse: (x, _, row) => x.mul(row),
    tfjs: (x, _, row) => tf.mul(x, row),
    check: (x, _, row) => Float64Array.from(x, (v, i) => v * row[i % COLS]!),
  },
  {
    name: 'exp',
    glimpse: (x) => x.exp(),
    tfjs: (x) => tf.exp(x),
    check: (x) => Float64Array.from(x, (v) => Math.exp(v)),
  },
  {
    name: 'sum last',
    glimpse: (x) => x.sum(-1),
    tfjs: (x) => tf.sum(x, -1),
    check: (x, _, __, n) => Float64Array.from({ length: n / COLS }, (_, r) => x.subarray(r * COLS, (r + 1) * COLS).reduce((a, b) => a + b, 0)),
  },
  {
    name: 'copy T',
    glimpse: (x) => x.transpose(0, 1).contiguous(),
    tfjs: (x) => tf.transpose(x),
    check: (x, _, __, n) => Float64Array.from({ length: n }, (_, i) => x[(i % (n / COLS)) * COLS + Math.floor(i / (n / COLS))]!),
  },
];

const only = process.env.ELEMENTWISE_CASES?.split(',');
const cases = only ? CASES.filter((c) => only.includes(c.name.split(' ')[0]!)) : CASES;
const runClip = !only || only.includes('clip');
const fullRun = !only;

function maxError(got: ArrayLike<number>, want: Float64Array, what: string): number {
  if (got.length !== want.length) throw new Error(`elementwise bench: ${what} has ${got.length} elements, expected ${want.length}`);
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  if (!(err < 1e-5)) throw new Error(`elementwise bench: ${what} differs from the float64 reference by ${err}`);
  return err;
}

/**
 * Seconds per call: the median over samples of (process CPU time / calls), and the same for wall
 * time. CPU time is the figure of record: the dev machine's two cores are shared with other
 * work, which stretches wall time by whatever else runs but leaves CPU time mostly alone.
 * A sample repeats `fn` until it has used ≥ 20 ms of CPU; sampling stops after `seconds` of CPU.
 */
function time(fn: () => unknown, seconds: number): { cpu: number; wall: number; samples: number } {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const cpu: number[] = [];
  const wall: number[] = [];
  const start = cpuNow();
  while (cpu.length < 5 || (cpuNow() - start < seconds && cpu.length < 200)) {
    const c0 = cpuNow();
    const w0 = performance.now();
    let calls = 0;
    do {
      fn();
      calls++;
    } while (cpuNow() - c0 < 0.02);
    cpu.push((cpuNow() - c0) / calls);
    wall.push((performance.now() - w0) / 1000 / calls);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { cpu: median(cpu), wall: median(wall), samples: cpu.length };
}

interface Figures {
  /** `${case}@${n}` → million elements per second. */
  glimpse: Record<string, number>;
  tfjs: Record<string, number>;
  /** Mean milliseconds per tiny-CLIP training step. */
  clipStepMs?: number;
}

/**
 * Runs every unary and binary op, reduction and copy once on small tensors of every dtype and a
 * few layouts, as any real program does before long, so that no kernel is timed while only the
 * op under test has ever gone through it (a loop that has seen one callee is faster than the
 * same loop in a model, where it has seen them all).
 */
function warmUpEveryOp(): void {
  const g = new Generator(9);
  const floats = [randn([6, 5], { generator: g }), randn([6, 5], { generator: g, dtype: 'float64' })];
  const xs = [...floats, randint(-3, 4, [6, 5], { generator: g }), floats[0]!.gt(0)];
  const unary = ['neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'relu', 'erf', 'sin', 'cos', 'floor'] as const;
  const binary = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr'] as const;
  for (const x of xs) {
    for (const y of [x, x.transpose(0, 1).contiguous().transpose(0, 1), x.narrow(0, 0, 1), x.sum(0).to(x.dtype)]) {
      for (const op of binary) x[op](y);
      where(y.gt(0), x, y);
    }
    for (const op of unary) x[op]();
    x.logicalNot();
    for (const axes of [0, 1, [0, 1]]) for (const op of ['sum', 'prod', 'max', 'min'] as const) x[op](axes);
    x.argmax(1);
    x.argmin(0);
    x.transpose(0, 1).contiguous().dataSync();
    for (const d of ['float32', 'float64', 'int32', 'bool'] as const) x.to(d);
  }
}

function elementwise(figures: Figures): void {
  for (const c of cases) {
    for (const n of SIZES) {
      const x = randomArray(n, 1);
      const y = randomArray(n, 2);
      const row = randomArray(COLS, 3);
      const want = c.check(x, y, row, n);
      const key = `${c.name}@${n}`;

      const gx = fromArray(x, [n / COLS, COLS]);
      const gy = fromArray(y, [n / COLS, COLS]);
      const gr = fromArray(row, [COLS]);
      const gfn = () => c.glimpse(gx, gy, gr);
      const gerr = maxError(gfn().dataSync(), want, `glimpse ${key}`);
      const g = time(gfn, 1);
      figures.glimpse[key] = n / g.cpu / 1e6;

      const tx = tf.tensor2d(x, [n / COLS, COLS]);
      const ty = tf.tensor2d(y, [n / COLS, COLS]);
      const tr = tf.tensor1d(row);
      const tfn = () => c.tfjs(tx, ty, tr).dispose();
      const tout = c.tfjs(tx, ty, tr);
      const terr = maxError(tout.dataSync(), want, `tfjs-cpu ${key}`);
      tout.dispose();
      const t = time(tfn, 1);
      figures.tfjs[key] = n / t.cpu / 1e6;
      tf.dispose([tx, ty, tr]);

      console.log(
        `${c.name.padEnd(9)} n=2^${Math.log2(n)}  glimpse ${figures.glimpse[key]!.toFixed(0).padStart(5)} Melem/s (wall ${(n / g.wall / 1e6).toFixed(0)})` +
          `  tfjs-cpu ${figures.tfjs[key]!.toFixed(0).padStart(5)} Melem/s (wall ${(n / t.wall / 1e6).toFixed(0)})  max rel err ${gerr.toExponential(1)} / ${terr.toExponential(1)}`,
      );
    }
  }
}

/** One training step of a tiny CLIP, as the training loop runs it. */
function clipStep(figures: Figures): { wall: number; samples: number } {
  const model = CLIPModel.create(
    {
      projection_dim: 64,
      text_config: { vocab_size: 1000, hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 16, eos_token_id: 999 },
      vision_config: { hidden_size: 64, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, image_size: 32, patch_size: 8 },
    },
    { seed: 1 },
  );
  const g = new Generator(2);
  const lastIsEos = Array.from({ length: 16 }, (_, i) => (i === 15 ? 1 : 0));
  const ids = where(tensor(lastIsEos, { dtype: 'bool' }), 999, randint(0, 999, [32, 16], { generator: g }));
  const batch = { pixelValues: randn([32, 3, 32, 32], { generator: g }), inputIds: ids, returnLoss: true };
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
  const step = () => {
    const loss = model.forward(batch).loss!;
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    return loss.item();
  };
  for (let i = 0; i < 3; i++) step(); // warm-up: JIT, and the optimizer's state buffers
  const s = time(step, 8);
  figures.clipStepMs = s.cpu * 1000;
  console.log(`tiny-CLIP step  ${figures.clipStepMs.toFixed(0)} ms CPU (wall ${(s.wall * 1000).toFixed(0)} ms), median of ${s.samples} steps`);
  return s;
}

function gitDescribe(): string {
  try {
    const hash = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- packages/tensor/src/cpu', { encoding: 'utf8' }).trim();
    return dirty ? `${hash} with uncommitted changes in packages/tensor/src/cpu` : hash;
  } catch {
    return 'unknown commit';
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const figures: Figures = { glimpse: {}, tfjs: {} };
  warmUpEveryOp();
  elementwise(figures);
  const clip = runClip ? clipStep(figures) : undefined;
  if (!fullRun) return; // a narrowed run is for looking, not for the record

  const here = dirname(fileURLToPath(import.meta.url));
  mkdirSync(join(here, 'results'), { recursive: true });
  const baselineFile = join(here, 'results', 'elementwise.baseline.json');
  const commit = gitDescribe();
  const date = new Date().toISOString().slice(0, 10);
  if (process.env.ELEMENTWISE_SAVE_BASELINE) {
    writeFileSync(baselineFile, JSON.stringify({ commit, date, node: process.version, ...figures }, null, 2) + '\n');
    return;
  }
  const base = existsSync(baselineFile) ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Figures & { commit: string; date: string }) : undefined;

  const rows = cases.flatMap((c) =>
    SIZES.map((n) => {
      const key = `${c.name}@${n}`;
      const ours = figures.glimpse[key]!;
      const before = base?.glimpse[key];
      const cells = [before === undefined ? '–' : before.toFixed(0), ours.toFixed(0), figures.tfjs[key]!.toFixed(0)];
      const ratios = [before === undefined ? '–' : `${(ours / before).toFixed(2)}×`, `${(ours / figures.tfjs[key]!).toFixed(2)}×`];
      return `| ${c.name} | 2^${Math.log2(n)} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`;
    }),
  );
  const table = [
    '| op | n | glimpse before | glimpse now | tfjs-cpu | now / before | now / tfjs-cpu |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  const clipLine = base?.clipStepMs
    ? `${base.clipStepMs.toFixed(0)} ms before → ${figures.clipStepMs!.toFixed(0)} ms now (CPU time, median of ${clip!.samples} steps; wall ${(clip!.wall * 1000).toFixed(0)} ms): ${(base.clipStepMs / figures.clipStepMs!).toFixed(2)}× faster`
    : `${figures.clipStepMs!.toFixed(0)} ms (CPU time, median of ${clip!.samples} steps; wall ${(clip!.wall * 1000).toFixed(0)} ms)`;
  console.log(`\n${table}\n\ntiny-CLIP step: ${clipLine}\n`);

  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  const md = `# float32 element-wise ops, a reduction, and a tiny-CLIP training step

Measured ${date} with \`pnpm bench\` (bench/elementwise.bench.ts) at ${commit}, Node ${process.version},
on the 2-core dev machine (${cpu}, ${cpus().length} cores), one thread.
${base ? `"Before" is the run saved in elementwise.baseline.json: ${base.date} at ${base.commit}.\n` : ''}The machine's 1-minute load average was ${loadBefore.toFixed(1)} before the run and ${loadavg()[0]!.toFixed(1)} after it:
above ~1, other processes shared the two cores and the numbers are lower and noisier than alone.
Melem/s = n / CPU time per call (the median over samples of at least 20 ms each): CPU time, not
wall time, because the shared cores stretch wall time by whatever else runs. A call ends with the
result in a host-side array.
Shapes: add and exp on [n/256, 256]; mul row multiplies [n/256, 256] by a [256] row; sum last
sums [n/256, 256] over its last axis; copy T makes the transpose of [n/256, 256] contiguous.

${table}

Tiny-CLIP training step (batch 32, width 64, 2 layers per tower, 32×32 images, patch 8, 16 tokens;
forward, loss, backward, AdamW, zeroGrad): ${clipLine}.
`;
  writeFileSync(join(here, 'results', 'elementwise.md'), md);
}

await main();
