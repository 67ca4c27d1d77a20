/**
 * The gradient check for a float32 device (the gpu backend). Finite differences need float64 —
 * with float32 values a step of 1e-6 is below the rounding noise — and WebGL has no float64, so
 * `gradcheck` cannot run there. What can be checked is that the device computes the same
 * gradients as the cpu: `gradcheckAgainstCpu` runs fn forward and backward on the device, runs it
 * again on the cpu in float64 from the same input values with the same upstream gradient, and
 * compares the output and every input gradient. The cpu's float64 gradients are themselves
 * checked against finite differences by `gradcheck`, so the two checks together bound the
 * device's gradients against the true ones.
 *
 * Tolerance ('scaled', as float32 results of sums need): |device − cpu| ≤ atol + rtol·max|cpu|
 * over each compared tensor. Defaults rtol 1e-4, atol 1e-6.
 */
import { getBackend, randn, setBackend, type Tensor } from '@glimpse/tensor';
import { Variable } from './variable.js';

/** Options of `gradcheckAgainstCpu`: the tolerance and the seed of the random upstream gradient. */
export interface DeviceGradcheckOptions {
  rtol?: number;
  atol?: number;
  seed?: number;
}

/** The worst element of |got − want| against atol + rtol·max|want|, or undefined if all pass. */
function worstMismatch(got: Tensor, want: Tensor, rtol: number, atol: number): string | undefined {
  if (got.shape.join() !== want.shape.join()) return `shape [${got.shape}] vs cpu [${want.shape}]`;
  const g = got.dataSync();
  const w = want.dataSync();
  let scale = 0;
  for (const v of w) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const bound = atol + rtol * scale;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < w.length; i++) {
    const [a, b] = [g[i]!, w[i]!];
    const err = Number.isNaN(b) ? (Number.isNaN(a) ? 0 : Infinity) : !Number.isFinite(b) ? (a === b ? 0 : Infinity) : Math.abs(a - b);
    if (err > bound && err >= worstErr) [worst, worstErr] = [i, err];
  }
  if (worst < 0) return undefined;
  return `element ${worst}: device ${g[worst]}, cpu ${w[worst]} (|Δ| ${worstErr.toExponential(2)} > ${bound.toExponential(2)} = atol ${atol} + rtol ${rtol} · max|cpu| ${scale.toExponential(2)})`;
}

/**
 * Checks fn's gradients on the inputs' (float32) device against the cpu's float64 ones; throws,
 * naming the tensor and the worst element, if they disagree; returns true otherwise.
 * Tensors fn creates without naming a backend go to the current one: the device's for the device
 * run, the cpu for the reference run.
 */
export function gradcheckAgainstCpu(fn: (...xs: Variable[]) => Variable, inputs: readonly Tensor[], opts: DeviceGradcheckOptions = {}): true {
  const { rtol = 1e-4, atol = 1e-6, seed = 0 } = opts;
  const device = inputs[0]?.backend;
  if (!device) throw new Error('gradcheckAgainstCpu: no inputs');
  if (inputs.some((x) => x.backend !== device)) throw new Error('gradcheckAgainstCpu: inputs are on different backends');
  const previous = getBackend();
  const run = (backend: string, xs: readonly Tensor[], upstream: (out: Variable) => Tensor) => {
    setBackend(backend);
    try {
      const vars = xs.map((x) => new Variable(x, { requiresGrad: true }));
      const out = fn(...vars);
      const u = upstream(out);
      out.backward(u);
      return { out: out.data, grads: vars.map((v) => v.grad), u };
    } finally {
      setBackend(previous.name);
    }
  };
  const dev = run(device.name, inputs, (out) => randn(out.shape, { dtype: out.dtype, seed, backend: 'cpu' }).to(device.name));
  // The cpu sees the values the device holds (float32-rounded inputs and upstream gradient), as float64.
  const toCpu64 = (x: Tensor) => x.to('cpu').to('float64');
  const ref = run('cpu', inputs.map(toCpu64), () => toCpu64(dev.u));
  const problems: string[] = [];
  const out = worstMismatch(dev.out.to('cpu'), ref.out, rtol, atol);
  if (out) problems.push(`output: ${out}`);
  ref.grads.forEach((want, i) => {
    const got = dev.grads[i];
    if (!want && !got) return;
    if (!want || !got) return void problems.push(`input ${i}: ${got ? 'the cpu' : `the ${device.name} backend`} computed no gradient`);
    const bad = worstMismatch(got.to('cpu'), want, rtol, atol);
    if (bad) problems.push(`input ${i} gradient: ${bad}`);
  });
  if (problems.length) throw new Error(`gradcheckAgainstCpu (${device.name}): ${problems.join('; ')}`);
  return true;
}
