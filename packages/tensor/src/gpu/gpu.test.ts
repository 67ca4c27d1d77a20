/**
 * What the gpu backend promises beyond the op suites (which run on it through describe.each):
 * the kernel class that runs is the GL one, data stays on the device until read, memory is
 * released deterministically, and a missing GL context is an error that names its cause.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../backend.js';
import { dispose, keep, tidy } from '../memory.js';
import { arange, randn, tensor } from '../ops/create.js';
import { add } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { backends } from '../testing/backends.js';
import { gpuBackend, gpuInfo, gpuMemory } from './index.js';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../../../node_modules/tsx/dist/cli.mjs', import.meta.url));

/** Runs a snippet against the sources in a fresh Node process with `env` changes; returns its output. */
function runNode(code: string, env: Record<string, string | undefined>): string {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, [TSX, '-e', code], { cwd: PACKAGE, env: childEnv, encoding: 'utf8', timeout: 60_000 });
  return `${r.stdout}${r.stderr}`;
}

describe('without a GL context', () => {
  const probe = `
    import { setBackend, tensor } from './src/index.ts';
    import { gpuAvailable } from './src/gpu/index.ts';
    const errors = [];
    for (const f of [() => setBackend('gpu'), () => tensor([1]).to('gpu'), () => tensor([1], { backend: 'gpu' })]) {
      try { f(); errors.push('no error'); } catch (e) { errors.push(e.message); }
    }
    console.log(JSON.stringify({ available: gpuAvailable(), errors }));`;
  const parse = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as { available: boolean; errors: string[] };

  it('setBackend, .to and { backend } all refuse, naming the missing X display', { timeout: 60_000 }, () => {
    const r = parse(runNode(probe, { DISPLAY: undefined }));
    expect(r.available).toBe(false);
    for (const e of r.errors) expect(e).toMatch(/^gpu backend: no GL context in Node: DISPLAY is not set.*xvfb-run -a -s "-ac -screen 0 1280x1024x24"/);
  });

  it('with a display that cannot give GL, names headless-gl and the X server', { timeout: 60_000 }, () => {
    const r = parse(runNode(probe, { DISPLAY: ':7913' }));
    expect(r.available).toBe(false);
    for (const e of r.errors) expect(e).toMatch(/no GL context in Node \(DISPLAY=:7913\).*"gl" package.*X server/);
  });
});

describe.skipIf(!backends.includes('gpu'))('the gpu backend, where GL works', () => {
  afterEach(() => setBackend('cpu'));

  it('runs gpu.js HeadlessGLKernel kernels in Node (never a CPU or WebAssembly fallback)', () => {
    const info = gpuInfo();
    expect(info.kernel).toBe('HeadlessGLKernel');
    expect(info.mode).toBe('headlessgl');
    expect(info.maxTextureSize).toBeGreaterThanOrEqual(4096);
    // Every launch checks the class that ran; a full op exercises many kernels.
    expect(matmul(randn([8, 8], { backend: 'gpu' }), randn([8, 8], { backend: 'gpu' })).softmax(-1).sum().item()).toBeCloseTo(8, 4);
    expect(getBackend('gpu').maxFloatBits).toBe(32);
  });

  it('keeps results on the device: nothing is read back until dataSync / toArray / item', () => {
    const reads: string[] = [];
    const read = gpuBackend.read.bind(gpuBackend);
    gpuBackend.read = (x) => (reads.push(`[${x.shape}]`), read(x));
    try {
      const x = randn([16, 32], { backend: 'gpu', seed: 1 });
      const w = randn([32, 8], { backend: 'gpu', seed: 2 });
      const y = matmul(x, w).relu().add(1).softmax(-1).mean(0);
      expect(reads).toEqual([]);
      expect(y.toArray()).toHaveLength(8);
      expect(reads).toEqual(['[8]']);
    } finally {
      gpuBackend.read = read;
    }
  });

  it('dispose() frees a texture now; using a freed tensor is an error that says so', () => {
    arange(6, { backend: 'gpu', dtype: 'float32' }).dispose(); // the upload kernel sizes its own buffers
    const before = gpuMemory();
    const x = arange(6, { backend: 'gpu', dtype: 'float32' });
    expect(gpuMemory().storages).toBe(before.storages + 1);
    const view = x.reshape([2, 3]);
    x.dispose();
    expect(gpuMemory().storages).toBe(before.storages);
    expect(gpuMemory().textures).toBe(before.textures);
    expect(() => view.add(1)).toThrow("gpu add: this tensor's storage was freed (by dispose() or at the end of a tidy scope)");
  });

  it('tidy(fn) frees every intermediate texture and keeps the result', () => {
    const x = randn([32, 32], { backend: 'gpu', seed: 3 });
    const step = () => tidy(() => matmul(x, x).tanh().mul(0.5).add(x).logSoftmax(-1).sum(1));
    dispose(step()); // compiles the kernels
    const before = gpuMemory();
    for (let i = 0; i < 5; i++) dispose(step());
    expect(gpuMemory()).toEqual(before);
    const kept = tidy(() => keep(x.mul(2)));
    expect(gpuMemory().storages).toBe(before.storages + 1);
    kept.dispose();
  });

  it('refuses to mix backends in one op, naming both', () => {
    const here = tensor([1, 2], { backend: 'cpu' });
    const there = tensor([1, 2], { backend: 'gpu' });
    expect(() => add(here, there)).toThrow("add: tensors are on different backends (cpu and gpu); move one with .to('cpu')");
    expect(() => matmul(there.reshape([1, 2]), here.reshape([2, 1]))).toThrow('matmul: tensors are on different backends (gpu and cpu)');
    expect(add(here, there.to('cpu')).toArray()).toEqual([2, 4]);
  });

  it('setBackend("gpu") makes new tensors there; .to() moves them both ways', () => {
    setBackend('gpu');
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.backend.name).toBe('gpu');
    expect(x.to('cpu').backend.name).toBe('cpu');
    expect(x.to('cpu').to('gpu').transpose().toArray()).toEqual([[1, 3], [2, 4]]);
  });

  it('long reductions and long inner dims stay exact enough past software GL’s 65535-iteration loop limit', () => {
    const n = 200_000;
    const ones = tensor(new Float32Array(n).fill(1), { backend: 'gpu' });
    expect(ones.sum().item()).toBe(n);
    const big = randn([3, 70_000], { backend: 'gpu', seed: 4 });
    expect(big.argmax(1).toArray()).toEqual(big.to('cpu').argmax(1).toArray());
    const a = randn([2, 20_000], { backend: 'gpu', seed: 5 });
    const b = randn([20_000, 2], { backend: 'gpu', seed: 6 });
    const want = matmul(a.to('cpu').to('float64'), b.to('cpu').to('float64')).dataSync();
    const got = matmul(a, b).dataSync();
    for (let i = 0; i < 4; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(2e-3);
  });
});
