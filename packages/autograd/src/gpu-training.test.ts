/**
 * Training on the gpu backend: a small MLP (8 → 32 → 4, ReLU, softmax cross-entropy) trained for
 * 200 full-batch SGD steps on gpu ends where the same run on cpu ends (both float32, same seeds),
 * and a step leaves no texture behind: the live gpu storages and GL textures are the same after
 * step 10 and after step 200. Each step runs inside `tidy`; the new parameter values are `keep`-ed
 * and the old ones disposed, the pattern an optimizer on the gpu follows.
 */
import { describe, expect, it } from 'vitest';
import { dispose, keep, randn, tensor, tidy, type Tensor } from '@glimpse/tensor';
import { gpuMemory, type GpuMemoryInfo } from '@glimpse/tensor/gpu';
import { crossEntropy } from './ops/index.js';
import { backends } from './test-util.js';
import { Variable } from './variable.js';

const STEPS = 200;
const LR = 0.5;

/** A fixed task: 128 points in 8-d, labelled by a random linear teacher (4 classes). */
function task(): { x: Tensor; y: Tensor } {
  const x = randn([128, 8], { seed: 11, backend: 'cpu' });
  const teacher = randn([8, 4], { seed: 12, backend: 'cpu' });
  const y = x.matmul(teacher).argmax(1);
  return { x, y };
}

interface Run {
  losses: number[];
  params: Float32Array[];
  memoryAt: Record<number, GpuMemoryInfo>;
}

function train(backend: string): Run {
  const { x: x0, y: y0 } = task();
  const [x, y] = [x0.to(backend), y0.to(backend)];
  const init = (shape: number[], seed: number, scale: number) => new Variable(randn(shape, { seed, backend }).mul(scale), { requiresGrad: true });
  const params = [init([8, 32], 1, 0.35), init([32], 2, 0), init([32, 4], 3, 0.18), init([4], 4, 0)];
  const [w1, b1, w2, b2] = params as [Variable, Variable, Variable, Variable];
  const losses: number[] = [];
  const memoryAt: Record<number, GpuMemoryInfo> = {};
  for (let step = 1; step <= STEPS; step++) {
    const loss = tidy(() => {
      const logits = new Variable(x).matmul(w1).add(b1).relu().matmul(w2).add(b2);
      const l = crossEntropy(logits, y);
      l.backward();
      for (const p of params) {
        const next = keep(p.data.sub(p.grad!.mul(LR)));
        p.data.dispose();
        p.assign(next);
        p.zeroGrad();
      }
      return keep(l.data);
    });
    // Reading every loss would be a sync point per step; read a few.
    if (step === 1 || step % 50 === 0) losses.push(loss.item());
    loss.dispose();
    if (backend === 'gpu' && (step === 10 || step === STEPS)) memoryAt[step] = gpuMemory();
  }
  const out = { losses, params: params.map((p) => p.data.dataSync() as Float32Array), memoryAt };
  dispose([x, y, ...params.map((p) => p.data)]);
  return out;
}

describe.skipIf(!backends.includes('gpu'))('training an MLP on the gpu backend', () => {
  it(`${STEPS} SGD steps end within tolerance of the cpu run, with a constant number of live textures`, { timeout: 120_000 }, () => {
    const cpu = train('cpu');
    const gpu = train('gpu');
    // It learns: the loss falls well below log(4) = 1.39.
    expect(cpu.losses[0]).toBeGreaterThan(1);
    expect(cpu.losses.at(-1)).toBeLessThan(0.35);
    // Same trajectory: loss within 1e-4 relative, every parameter within 1e-4 absolute.
    cpu.losses.forEach((l, i) => expect(Math.abs(gpu.losses[i]! - l) / l, `loss at checkpoint ${i}`).toBeLessThan(1e-4));
    let worstParam = 0;
    cpu.params.forEach((p, k) => {
      let worst = 0;
      p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - gpu.params[k]![i]!))));
      expect(worst, `parameter ${k}`).toBeLessThan(1e-4);
      worstParam = Math.max(worstParam, worst);
    });
    // No leak: the same live storages and GL textures after step 10 and after step 200.
    expect(gpu.memoryAt[STEPS]).toEqual(gpu.memoryAt[10]);
    const lossGap = Math.max(...cpu.losses.map((l, i) => Math.abs(gpu.losses[i]! - l) / l));
    console.log(
      `gpu training: loss ${gpu.losses.map((l) => l.toFixed(4)).join(' → ')}; vs cpu: loss within ${lossGap.toExponential(1)} relative, ` +
        `parameters within ${worstParam.toExponential(1)}; live after step 10 and ${STEPS}: ${JSON.stringify(gpu.memoryAt[STEPS])}`,
    );
  });
});

// Checks the helper's own arithmetic on the cpu, where the suite always runs.
describe('the training task', () => {
  it('has every class', () => {
    const { y } = task();
    expect(new Set(tensor(y.dataSync()).toArray() as number[]).size).toBe(4);
  });
});
