/**
 * The gpu backend against the cpu backend, on whatever GL this machine gives, with the device
 * named in the output and the record:
 *   - float32 square matmul n×n @ n×n, n = 256, 512, 1024, in GFLOP/s (2n³ / time per call, wall
 *     clock and process CPU time);
 *     the gpu twice: "gpu" ends each call at a one-element read (the GL queue must drain, but
 *     nothing big crosses back), "gpu+read" reads the whole product back (dataSync), which is
 *     what an answer on the host costs;
 *   - a pre-LN attention block (hidden 128, 4 heads, MLP 512, batch 4 × 64 tokens, causal)
 *     forward + backward, ms per step, inside `tidy` (so textures do not pile up), ending at
 *     loss.item().
 * The gpu results are checked against the cpu ones first, so a fast wrong kernel cannot win.
 *
 * Run: `pnpm bench gpu` from the root (or `npx tsx --conditions=@glimpse/source bench/gpu.bench.ts`).
 * In Node the gpu backend needs an X display for headless-gl; without DISPLAY this re-runs itself
 * under `xvfb-run -a -s "-ac -screen 0 1280x1024x24"` (Mesa llvmpipe: software GL on the CPU).
 * On a machine with a real GPU, run it with a DISPLAY whose X server drives that GPU (headless-gl
 * then gets a hardware GLX context); the code is the same, and the report names the renderer. A full run writes bench/results/gpu.md; GPU_BENCH_SIZES=256 narrows a
 * run (and then writes nothing).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dispose, fromArray, Generator, matmul, randn, setBackend, tidy, type Tensor } from '@glimpse/tensor';
import { gpuAvailable, gpuInfo, gpuUnavailableReason } from '@glimpse/tensor/gpu';
import { Variable } from '@glimpse/autograd';
import { PreLNBlock } from '@glimpse/models';
import { randomArray } from './random.js';

const here = dirname(fileURLToPath(import.meta.url));

if (!gpuAvailable()) {
  const canRetry = process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['GLIMPSE_BENCH_RETRIED'];
  if (canRetry && spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0) {
    const r = spawnSync('xvfb-run', ['-a', '-s', '-ac -screen 0 1280x1024x24', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, GLIMPSE_BENCH_RETRIED: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.error(`gpu bench: ${gpuUnavailableReason()}`);
  process.exit(1);
}

const SIZES = (process.env['GPU_BENCH_SIZES'] ?? '256,512,1024').split(',').map(Number);
const fullRun = !process.env['GPU_BENCH_SIZES'];
const device = gpuInfo();
const cpuModel = cpus()[0]?.model?.trim() ?? 'unknown cpu';
console.log(`gpu backend: gpu.js ${device.kernel} (${device.mode}) on ${device.renderer} — ${device.version}`);
console.log(`cpu backend: ${cpuModel}, ${cpus().length} cores (the cpu backend uses one)`);

/**
 * Seconds per call, wall clock and process CPU time (user + system, every thread: the cpu backend's
 * one, and llvmpipe's rendering threads when the gpu is software GL). The dev machine's cores are
 * shared, so wall time moves with the load; CPU time is the steadier measure of work there. Calls
 * repeat until `minSeconds` of wall time have passed (at least twice), after one warm-up call.
 */
function time(fn: () => unknown, minSeconds: number): { wall: number; cpu: number; reps: number } {
  fn();
  let reps = 0;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  do {
    fn();
    reps++;
  } while (reps < 2 || performance.now() - w0 < minSeconds * 1e3);
  const wall = (performance.now() - w0) / 1e3 / reps;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 / reps, reps };
}

/** The last element of a tensor, read alone: a sync point without a big transfer. */
const lastElement = (t: Tensor) => t.reshape([-1]).narrow(0, t.size - 1, 1).item();

const matmulRows: string[] = [];
for (const n of SIZES) {
  const a = randomArray(n * n, n);
  const b = randomArray(n * n, n + 1);
  const [xc, yc] = [fromArray(a, [n, n], 'cpu'), fromArray(b.slice(), [n, n], 'cpu')];
  const [xg, yg] = [xc.to('gpu'), yc.to('gpu')];
  // Check first: the gpu product against the cpu one.
  const want = matmul(xc, yc).dataSync();
  const got = tidy(() => matmul(xg, yg).dataSync());
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  if (!(err < 1e-3 * Math.sqrt(n))) throw new Error(`gpu bench: ${n}×${n} gpu product differs from the cpu one by ${err}`);
  const cpu = time(() => matmul(xc, yc).dataSync(), 2);
  const gpu = time(() => tidy(() => lastElement(matmul(xg, yg))), 2);
  const gpuRead = time(() => tidy(() => matmul(xg, yg).dataSync()), 2);
  const gf = (s: number) => ((2 * n ** 3) / s / 1e9).toFixed(2);
  const row =
    `| ${n} | ${gf(cpu.wall)} (${gf(cpu.cpu)}) | ${gf(gpu.wall)} (${gf(gpu.cpu)}) | ${gf(gpuRead.wall)} (${gf(gpuRead.cpu)}) ` +
    `| ${(cpu.wall / gpu.wall).toFixed(2)}× | ${(cpu.wall / gpuRead.wall).toFixed(2)}× | ${err.toExponential(1)} |`;
  console.log(row);
  matmulRows.push(row);
  dispose([xg, yg]);
}

/** ms per forward + backward of the attention block on `backend`. */
function attention(backend: string): { ms: number; cpuMs: number; loss: number } {
  setBackend(backend);
  try {
    const block = new PreLNBlock({ hidden_size: 128, num_attention_heads: 4, intermediate_size: 512 }, { generator: new Generator(7) });
    const x = randn([4, 64, 128], { seed: 3 });
    const u = randn([4, 64, 128], { seed: 4 });
    const step = () =>
      tidy(() => {
        for (const p of block.parameters()) p.zeroGrad();
        const loss = block.forward(new Variable(x, { requiresGrad: true }), { causal: true }).mul(u).sum();
        loss.backward();
        return loss.item();
      });
    const loss = step();
    const t = time(step, 3);
    return { ms: t.wall * 1e3, cpuMs: t.cpu * 1e3, loss };
  } finally {
    setBackend('cpu');
  }
}
const attCpu = attention('cpu');
const attGpu = attention('gpu');
if (Math.abs(attGpu.loss - attCpu.loss) > 1e-3 * Math.abs(attCpu.loss) + 1e-3) {
  throw new Error(`gpu bench: attention loss on gpu ${attGpu.loss} differs from cpu ${attCpu.loss}`);
}
const attRow = `| attention block fwd+bwd | ${attCpu.ms.toFixed(1)} ms (${attCpu.cpuMs.toFixed(1)}) | ${attGpu.ms.toFixed(1)} ms (${attGpu.cpuMs.toFixed(1)}) | ${(attCpu.ms / attGpu.ms).toFixed(2)}× |`;
console.log(attRow);

const display = process.env['GLIMPSE_BENCH_RETRIED'] ? 'an Xvfb display started by this bench (GLX on Mesa llvmpipe: software GL)' : `DISPLAY=${process.env['DISPLAY'] ?? ''}`;
const md = `# gpu backend vs cpu backend

Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench gpu\` (bench/gpu.bench.ts), Node ${process.version},
load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} shared cores at the end of the run.

- gpu: gpu.js **${device.kernel}** (mode \`${device.mode}\`), GL renderer "${device.renderer}", ${device.version}, on ${display}
- cpu: the cpu backend on ${cpuModel} (${cpus().length} cores, one used)

Each figure is wall clock, with process CPU time (every thread: llvmpipe renders on CPU threads)
in parentheses; on these shared cores wall time moves with the load, CPU time less so.

## float32 matmul, n×n @ n×n (GFLOP/s = 2n³ / time per call)

"gpu" ends each call at a one-element read (the GL queue drains; nothing big crosses back);
"gpu+read" reads the whole product back with dataSync(). Ratios are of wall time (above 1× the
gpu is faster). max |err| is the gpu product against the cpu one.

| n | cpu GFLOP/s | gpu GFLOP/s | gpu+read GFLOP/s | cpu / gpu time | cpu / gpu+read time | max \\|err\\| |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${matmulRows.join('\n')}

## pre-LN attention block (hidden 128, 4 heads, MLP 512, batch 4 × 64 tokens, causal), forward + backward

Per step, inside tidy, ending at loss.item().

| | cpu | gpu | cpu / gpu time |
| --- | ---: | ---: | ---: |
${attRow}
`;
console.log(`\n${md}`);
if (fullRun) {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'gpu.md'), md);
}
