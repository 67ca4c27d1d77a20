/**
 * The optimizers' memory contract (see optimizer.ts): step() computes each update in a tidy, keeps
 * the new value and buffers and disposes the ones they replace; zeroGrad() releases the gradients;
 * a storage still used by a parameter, gradient or buffer of the optimizer is never disposed.
 *
 * On the cpu, dispose is a no-op, so the contract is checked by watching which tensors get
 * disposed. On the gpu (where GL works; always in CI) a small MLP trains for 50 steps with AdamW
 * and with SGD + momentum: the live textures are the same after step 10 and step 50, and the
 * result matches the same run on the cpu.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crossEntropy, Parameter, Variable } from '@glimpse/autograd';
import { keep, randn, Tensor, tensor, tidy } from '@glimpse/tensor';
import { gpuMemory, gpuUnavailableReason, type GpuMemoryInfo } from '@glimpse/tensor/gpu';
import { AdamW } from './adam.js';
import type { GroupOptions, Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
/** As the tensor and autograd suites decide: gpu wherever a GL context can be made, always in CI; GLIMPSE_BACKENDS overrides. */
const backends: readonly string[] = env['GLIMPSE_BACKENDS']
  ? env['GLIMPSE_BACKENDS'].split(',').map((s) => s.trim()).filter(Boolean)
  : env['CI'] || gpuUnavailableReason() === undefined
    ? ['cpu', 'gpu']
    : ['cpu'];

/** Records every tensor disposed while `fn` runs (on the cpu, where dispose does nothing else). */
function disposedDuring(fn: () => void): Set<Tensor> {
  const seen = new Set<Tensor>();
  const spy = vi.spyOn(Tensor.prototype, 'dispose').mockImplementation(function (this: Tensor) {
    seen.add(this);
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

describe('optimizer memory contract (cpu: which tensors are released)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('step() releases the previous value and buffers, keeps the gradient; zeroGrad() releases the gradient', () => {
    const p = new Parameter(tensor([1, -2, 3]));
    const opt = new AdamW([p], { lr: 0.1 });
    p.grad = tensor([0.5, 0.5, -1]);
    opt.step(); // first step: no buffers yet, the initial value is replaced
    const [value1, grad1] = [p.data, p.grad];
    const buffers1 = opt.stateDict().state['0']!;
    p.grad = tensor([1, 0, 1]);
    const grad2 = p.grad;
    const released = disposedDuring(() => opt.step());
    expect(released.has(value1)).toBe(true);
    expect(released.has(buffers1['expAvg'] as Tensor)).toBe(true);
    expect(released.has(buffers1['expAvgSq'] as Tensor)).toBe(true);
    expect(released.has(grad2) || released.has(grad1)).toBe(false);
    expect(p.grad).toBe(grad2);
    expect(released.has(p.data)).toBe(false);
    const cleared = disposedDuring(() => opt.zeroGrad());
    expect([...cleared]).toEqual([grad2]);
    expect(p.grad).toBeUndefined();
  });

  it("SGD's first momentum buffer is its own copy of the gradient, so zeroGrad may release the gradient", () => {
    const p = new Parameter(tensor([1, 2]));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const g = tensor([1, 1]);
    p.grad = g;
    opt.step();
    const buf = opt.stateDict().state['0']!['momentumBuffer'] as Tensor;
    expect(buf.storage).not.toBe(g.storage);
    expect(buf.toArray()).toEqual([1, 1]);
    expect([...disposedDuring(() => opt.zeroGrad())]).toEqual([g]);
  });

  it('never releases a storage another parameter, gradient or buffer of the optimizer still holds', () => {
    const shared = tensor([1, 2]);
    const a = new Parameter(shared);
    const b = new Parameter(shared); // same storage, e.g. initialised from one tensor
    const c = new Parameter(tensor([5, 5]));
    const opt = new SGD([a, b, c], { lr: 0.1 });
    a.grad = tensor([1, 1]); // b has no gradient: it keeps `shared`
    const g = tensor([3, 3]);
    c.grad = g;
    expect(disposedDuring(() => opt.step()).has(shared)).toBe(false);
    expect(b.data).toBe(shared);
    // One gradient tensor on two parameters (add's backward hands both the same): released with both cleared.
    b.grad = g;
    expect(disposedDuring(() => opt.zeroGrad()).has(g)).toBe(true);
    expect([a.grad, b.grad, c.grad]).toEqual([undefined, undefined, undefined]);
  });

  it('loadStateDict copies the saved buffers; stateDict hands out the live ones', () => {
    const p = new Parameter(tensor([1, 2]));
    const opt = new AdamW([p], { lr: 0.1 });
    p.grad = tensor([1, -1]);
    opt.step();
    const saved = opt.stateDict();
    const other = new AdamW([p], { lr: 0.1 });
    other.loadStateDict(saved);
    const mine = other.stateDict().state['0']!;
    expect(mine['expAvg']).not.toBe(saved.state['0']!['expAvg']);
    expect((mine['expAvg'] as Tensor).toArray()).toEqual((saved.state['0']!['expAvg'] as Tensor).toArray());
    expect(mine['step']).toBe(1);
    // The previous buffers of `other` (none) and the saved ones survive its next step.
    const released = disposedDuring(() => other.step());
    expect(released.has(saved.state['0']!['expAvg'] as Tensor)).toBe(false);
    expect(released.has(mine['expAvg'] as Tensor)).toBe(true);
    // Reloading its own state dict releases nothing the dict holds.
    const own = other.stateDict();
    const reloaded = disposedDuring(() => other.loadStateDict(own));
    for (const v of Object.values(own.state['0']!)) if (v instanceof Tensor) expect(reloaded.has(v)).toBe(false);
  });

  it('a throwing update leaves the parameter and its buffers as they were', () => {
    const p = new Parameter(tensor([1, 2]));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1]);
    opt.step();
    const [value, buf] = [p.data, opt.stateDict().state['0']!['momentumBuffer']];
    p.grad = tensor([1, 1, 1]); // wrong shape: the update throws
    expect(() => opt.step()).toThrow();
    expect(p.data).toBe(value);
    expect(opt.stateDict().state['0']!['momentumBuffer']).toBe(buf);
  });
});

const STEPS = 50;

/** 128 points in 8-d labelled by a random linear teacher (4 classes), made on the cpu. */
function task(): { x: Tensor; y: Tensor } {
  const x = randn([128, 8], { seed: 21, backend: 'cpu' });
  const y = x.matmul(randn([8, 4], { seed: 22, backend: 'cpu' })).argmax(1);
  return { x, y };
}

interface Run {
  losses: number[];
  params: Float32Array[];
  memoryAt: Record<number, GpuMemoryInfo>;
}

/**
 * A 8 → 32 → 4 ReLU MLP trained full-batch for STEPS steps. Each step is one tidy around
 * forward, backward, `opt.step()` and `opt.zeroGrad()`; the tidy frees the graph, and only the
 * optimizer frees the parameter values and buffers it replaces (they are `keep`-ed past the tidy).
 */
function train(backend: string, make: (params: Parameter[]) => Optimizer<GroupOptions>): Run {
  const { x: x0, y: y0 } = task();
  const [x, y] = [x0.to(backend), y0.to(backend)];
  const init = (shape: number[], seed: number, scale: number) => new Parameter(tidy(() => keep(randn(shape, { seed, backend }).mul(scale))));
  const params = [init([8, 32], 1, 0.35), init([32], 2, 0), init([32, 4], 3, 0.18), init([4], 4, 0)];
  const [w1, b1, w2, b2] = params as [Parameter, Parameter, Parameter, Parameter];
  const opt = make(params);
  const losses: number[] = [];
  const memoryAt: Record<number, GpuMemoryInfo> = {};
  for (let step = 1; step <= STEPS; step++) {
    const loss = tidy(() => {
      const l = crossEntropy(new Variable(x).matmul(w1).add(b1).relu().matmul(w2).add(b2), y);
      l.backward();
      opt.step();
      opt.zeroGrad();
      return keep(l.data);
    });
    if (step === 1 || step % 10 === 0) losses.push(loss.item());
    loss.dispose();
    if (backend === 'gpu' && (step === 10 || step === STEPS)) memoryAt[step] = gpuMemory();
  }
  const out = { losses, params: params.map((p) => p.data.dataSync() as Float32Array), memoryAt };
  // Release everything the run holds: the task, the parameters, the optimizer's buffers.
  for (const t of [x, y, ...params.map((p) => p.data), ...Object.values(opt.stateDict().state).flatMap((s) => Object.values(s))]) if (t instanceof Tensor) t.dispose();
  return out;
}

const optimizers: [string, (params: Parameter[]) => Optimizer<GroupOptions>][] = [
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 })],
  ['SGD with momentum', (ps) => new SGD(ps, { lr: 0.2, momentum: 0.9, weightDecay: 1e-3 })],
];

/**
 * The gpu tolerance of the tensor suites (GPU_TOL in @glimpse/tensor's testing/backends.ts):
 * |gpu − cpu| ≤ 1e-6 + 2e-5·|cpu|, for every parameter element and every logged loss.
 */
const GPU_TOL = { rtol: 2e-5, atol: 1e-6 };
const excess = (gpu: number, cpu: number) => Math.abs(gpu - cpu) - (GPU_TOL.atol + GPU_TOL.rtol * Math.abs(cpu));

describe.skipIf(!backends.includes('gpu'))('optimizers on the gpu backend', () => {
  it.each(optimizers)(`%s: ${STEPS} steps leave a constant number of live textures and end where the cpu run ends`, { timeout: 120_000 }, (name, make) => {
    const cpu = train('cpu', make);
    const gpu = train('gpu', make);
    expect(cpu.losses.at(-1)).toBeLessThan(cpu.losses[0]! * 0.6); // it learns
    let [lossGap, worstLoss] = [0, -Infinity];
    cpu.losses.forEach((l, i) => {
      lossGap = Math.max(lossGap, Math.abs(gpu.losses[i]! - l) / l);
      worstLoss = Math.max(worstLoss, excess(gpu.losses[i]!, l));
    });
    expect(worstLoss, 'a loss differs from the cpu run by more than the gpu tolerance').toBeLessThanOrEqual(0);
    let [paramGap, worstParam] = [0, -Infinity];
    cpu.params.forEach((p, k) =>
      p.forEach((v, i) => {
        paramGap = Math.max(paramGap, Math.abs(v - gpu.params[k]![i]!));
        worstParam = Math.max(worstParam, excess(gpu.params[k]![i]!, v));
      }),
    );
    expect(worstParam, 'a parameter differs from the cpu run by more than the gpu tolerance').toBeLessThanOrEqual(0);
    expect(gpu.memoryAt[STEPS]).toEqual(gpu.memoryAt[10]);
    console.log(
      `${name} on gpu: loss ${gpu.losses.map((l) => l.toFixed(4)).join(' → ')}; vs cpu: losses within ${lossGap.toExponential(1)} relative, ` +
        `parameters within ${paramGap.toExponential(1)} absolute; live after step 10 and ${STEPS}: ${JSON.stringify(gpu.memoryAt[STEPS])}`,
    );
  });
});
