/**
 * gradcheck: compares the analytic gradients of `fn` with central finite differences in float64,
 * the equivalent of torch.autograd.gradcheck. For a random upstream gradient u (seeded), the
 * analytic side is one backward pass of u; the numeric side perturbs each input element by ±eps:
 *   ∂(u·f)/∂xᵢ ≈ (u·f(x + eps·eᵢ) − u·f(x − eps·eᵢ)) / 2eps.
 * Checking a random projection u·f (PyTorch's fast mode) catches a wrong Jacobian with
 * probability 1 while needing a single backward pass.
 */
import { fromArray, randn, type Tensor } from '@glimpse/tensor';
import { noGrad } from './grad-mode.js';
import { Variable } from './variable.js';

/** Options of `gradcheck`: finite-difference step, tolerances, the seed of the random projection, extra leaves to check. */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random upstream gradient. */
  seed?: number;
  /**
   * Leaves that `fn` reads by itself (a module's Parameters): their `.grad` is checked too,
   * perturbing them with `assign` (they are restored afterwards).
   */
  params?: readonly Variable[];
}

interface Slot {
  label: string;
  value: Tensor;
  analytic: Tensor | undefined;
  set: (t: Tensor) => void;
}

/** Throws, naming the worst element, if the gradients disagree; returns true otherwise. */
export function gradcheck(fn: (...xs: Variable[]) => Variable, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0, params = [] } = opts;
  const needF64 = (t: Tensor, label: string) => {
    if (t.dtype !== 'float64') throw new Error(`gradcheck: ${label} is ${t.dtype}; finite differences need float64 (use .to('float64'))`);
  };
  const float32Only = [...inputs, ...params.map((p) => p.data)].find((t) => t.backend.maxFloatBits === 32);
  if (float32Only) {
    throw new Error(
      `gradcheck: the ${float32Only.backend.name} backend computes in float32, where finite differences are rounding noise; ` +
        'use gradcheckAgainstCpu, which compares its gradients with the cpu float64 ones that gradcheck verifies',
    );
  }
  inputs.forEach((x, i) => needF64(x, `input ${i}`));
  params.forEach((p, i) => needF64(p.data, `param ${i}`));
  // The Variables hold the inputs as given, so non-contiguous layouts are exercised too.
  const vars = inputs.map((x) => new Variable(x, { requiresGrad: true }));
  for (const p of params) p.zeroGrad();
  const out = fn(...vars);
  if (out.dtype !== 'float64') throw new Error(`gradcheck: fn returned ${out.dtype}; it must compute in float64`);
  const u = randn(out.shape, { dtype: 'float64', seed, backend: out.data.backend.name });
  out.backward(u);

  const current = [...inputs];
  const projected = () => noGrad(() => fn(...current.map((x) => new Variable(x))).data.mul(u).sum().item());
  const slots: Slot[] = [
    ...inputs.map((x, i) => ({ label: `input ${i}`, value: x, analytic: vars[i]!.grad, set: (t: Tensor) => void (current[i] = t) })),
    ...params.map((p, i) => ({ label: `param ${i}`, value: p.data, analytic: p.grad, set: (t: Tensor) => void p.assign(t) })),
  ];
  let worst: { where: string; index: number; numeric: number; analytic: number; excess: number } | undefined;
  for (const slot of slots) {
    const base = slot.value.dataSync() as Float64Array;
    const analytic = slot.analytic?.dataSync() ?? new Float64Array(base.length);
    const at = (k: number, delta: number) => {
      const moved = Float64Array.from(base);
      moved[k] = moved[k]! + delta;
      slot.set(fromArray(moved, slot.value.shape, slot.value.backend.name));
      return projected();
    };
    for (let k = 0; k < base.length; k++) {
      const numeric = (at(k, eps) - at(k, -eps)) / (2 * eps);
      const excess = Math.abs(numeric - analytic[k]!) - (atol + rtol * Math.abs(numeric));
      if (excess > 0 && (!worst || excess > worst.excess)) worst = { where: slot.label, index: k, numeric, analytic: analytic[k]!, excess };
    }
    slot.set(slot.value);
  }
  if (worst) {
    throw new Error(
      `gradcheck: gradients disagree; worst at ${worst.where}, element ${worst.index}: numeric ${worst.numeric}, analytic ${worst.analytic} (atol ${atol}, rtol ${rtol})`,
    );
  }
  return true;
}
