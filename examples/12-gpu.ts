// %% [markdown]
// # 12 · The GPU backend
//
// Every op in Glimpse is a call on a *backend*: a handful of primitives (element-wise maps,
// reductions, matmul, gather/scatter, copies of strided views). The `cpu` backend runs them as
// JavaScript loops over TypedArrays; the `gpu` backend runs them as WebGL fragment shaders that
// gpu.js compiles from small JavaScript kernels — headless-gl in Node, WebGL2 in a browser. The
// same model code runs on either: only where the tensors live changes.
//
// In Node, headless-gl needs an X display. On a server without one, run this notebook under a
// virtual X server (Mesa's llvmpipe: "GPU" kernels on the CPU, ~1 GFLOP/s — fine to learn with,
// not to win races):
//
//     xvfb-run -a -s "-ac -screen 0 1280x1024x24" npx -y pnpm@12.4.2 example examples/12-gpu.ts

// %%
import { add, matmul, randn, setBackend, tensor, tidy, type Tensor } from '@glimpse/tensor';
import { gpuAvailable, gpuInfo, gpuMemory, gpuUnavailableReason } from '@glimpse/tensor/gpu';

// Importing '@glimpse/tensor/gpu' registers the backend; nothing is opened until it is used.
if (!gpuAvailable()) {
  // Glimpse never quietly runs "gpu" tensors somewhere else: no GL context is an error with its cause.
  console.log(`The gpu backend cannot run here:\n  ${gpuUnavailableReason()}`);
  process.exit(1);
}
const info = gpuInfo();
console.log(`gpu backend: gpu.js ${info.kernel} (mode '${info.mode}') on ${info.renderer}, ${info.version}`);

// %% [markdown]
// ## Moving tensors to the GPU
// A tensor lives on one backend. `.to('gpu')` uploads it (a new texture), `.to('cpu')` brings it
// back; `{ backend: 'gpu' }` creates it there; `setBackend('gpu')` makes the gpu the default for
// new tensors. An op never moves data behind your back: mixing backends is an error.

// %%
const a = randn([3, 4], { seed: 0 }); // on the cpu (the default)
const g = a.to('gpu');
console.log('a lives on', a.backend.name, '— g lives on', g.backend.name);
console.log('g · 2 + 1 =', g.mul(2).add(1).toString());
try {
  add(a, g);
} catch (e) {
  console.log('error:', (e as Error).message);
}

// %% [markdown]
// ## Why readbacks are expensive
// On the GPU an op only *queues* work: the result stays in a texture, and the next op reads it
// there. Reading values back (`dataSync`, `toArray`, `item`, printing) makes the host wait until
// everything queued before it has run, then copies the pixels across. One read at the end of a
// computation costs one wait; a read after every op costs a wait per op, and the GPU idles while
// the host thinks. Compare 200 small steps with a read after each against one read at the end:

// %%
const timed = (label: string, fn: () => unknown) => {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(42)} ${ms.toFixed(1).padStart(8)} ms`);
  return ms;
};
const v = randn([64, 64], { seed: 1, backend: 'gpu' });
const steps = (readEachStep: boolean) =>
  tidy(() => {
    let x: Tensor = v;
    for (let i = 0; i < 200; i++) {
      x = x.mul(0.99).add(0.01).tanh();
      if (readEachStep) x.narrow(0, 0, 1).narrow(1, 0, 1).item();
    }
    return x.sum().item();
  });
steps(false); // compile the kernels first: the first call of a kernel builds its shader
timed('200 steps, one read at the end', () => steps(false));
timed('200 steps, a read after every step', () => steps(true));

// %% [markdown]
// ## Memory is released when you say so
// Textures are not garbage collected: every result holds GPU memory until `dispose()`. `tidy(fn)`
// runs fn and frees every tensor made inside it that its result does not hold — the shape of a
// training step. `gpuMemory()` counts what is alive.

// %%
const before = gpuMemory();
const y = tidy(() => matmul(v, v).relu().softmax(-1).sum(0)); // intermediates freed here
console.log('live storages: before', before.storages, '→ after the tidy', gpuMemory().storages, '(+1: y)');
y.dispose();
console.log('after y.dispose()', gpuMemory().storages);

// %% [markdown]
// ## Timing cpu against gpu
// A matmul of n×n floats does 2n³ multiply-adds. The gpu column ends with a one-element read (so
// the work has really run); the "+ read" column brings the whole product back. On software GL
// (llvmpipe) expect the gpu to be *slower* than the cpu; on a real GPU the same code is where the
// gpu backend earns its keep (bench/gpu.bench.ts records both).

// %%
for (const n of [128, 256, 512]) {
  const xc = randn([n, n], { seed: n });
  const xg = xc.to('gpu');
  tidy(() => matmul(xg, xg).narrow(0, 0, 1).narrow(1, 0, 1).item()); // warm up (shader build)
  const reps = n <= 256 ? 5 : 2;
  const per = (fn: () => unknown) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    return (performance.now() - t0) / reps;
  };
  const cpuMs = per(() => matmul(xc, xc).dataSync());
  const gpuMs = per(() => tidy(() => matmul(xg, xg).narrow(0, 0, 1).narrow(1, 0, 1).item()));
  const gpuReadMs = per(() => tidy(() => matmul(xg, xg).dataSync()));
  const gf = (ms: number) => ((2 * n ** 3) / (ms / 1e3) / 1e9).toFixed(2);
  console.log(`n=${String(n).padStart(4)}  cpu ${cpuMs.toFixed(1).padStart(7)} ms (${gf(cpuMs)} GFLOP/s)   gpu ${gpuMs.toFixed(1).padStart(7)} ms (${gf(gpuMs)} GFLOP/s)   gpu + read ${gpuReadMs.toFixed(1).padStart(7)} ms`);
  xg.dispose();
}

// %% [markdown]
// ## Precision
// WebGL computes in float32. float32 tensors behave as on the cpu (to a few ulp: the GPU's exp
// and log are not correctly rounded); a float64 tensor on the gpu keeps its dtype, so the same
// program runs, but holds float32 values. That is why gradient checks (finite differences need
// float64) run on the cpu, and the gpu's gradients are checked against the cpu's.

// %%
const third = tensor([1 / 3], { dtype: 'float64' });
console.log('1/3 as float64 on cpu:', third.item(), '— on gpu:', third.to('gpu').item());
setBackend('cpu');
