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

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random upstream gradient. */
  seed?: number;
}

export interface GradcheckFailure {
  input: number;
  index: number;
  numeric: number;
  analytic: number;
}

/** Throws, naming the worst element, if the gradients disagree; returns true otherwise. */
export function gradcheck(fn: (...xs: Variable[]) => Variable, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = opts;
  inputs.forEach((x, i) => {
    if (x.dtype !== 'float64') throw new Error(`gradcheck: input ${i} is ${x.dtype}; finite differences need float64 (use .to('float64'))`);
  });
  // The Variables hold the inputs as given, so non-contiguous layouts are exercised too.
  const vars = inputs.map((x) => new Variable(x, { requiresGrad: true }));
  const out = fn(...vars);
  if (out.dtype !== 'float64') throw new Error(`gradcheck: fn returned ${out.dtype}; it must compute in float64`);
  const u = randn(out.shape, { dtype: 'float64', seed, backend: out.data.backend.name });
  out.backward(u);
  const projected = (xs: Tensor[]) => noGrad(() => fn(...xs.map((x) => new Variable(x))).data.mul(u).sum().item());

  let worst: (GradcheckFailure & { excess: number }) | undefined;
  inputs.forEach((x, i) => {
    const base = x.dataSync() as Float64Array;
    const analytic = vars[i]!.grad?.dataSync() ?? new Float64Array(base.length);
    for (let k = 0; k < base.length; k++) {
      const at = (delta: number) => {
        const moved = Float64Array.from(base);
        moved[k] = moved[k]! + delta;
        return inputs.map((y, j) => (j === i ? fromArray(moved, y.shape, y.backend.name) : y));
      };
      const numeric = (projected(at(eps)) - projected(at(-eps))) / (2 * eps);
      const excess = Math.abs(numeric - analytic[k]!) - (atol + rtol * Math.abs(numeric));
      if (excess > 0 && (!worst || excess > worst.excess)) worst = { input: i, index: k, numeric, analytic: analytic[k]!, excess };
    }
  });
  if (worst) {
    throw new Error(
      `gradcheck: gradients disagree; worst at input ${worst.input}, element ${worst.index}: numeric ${worst.numeric}, analytic ${worst.analytic} (atol ${atol}, rtol ${rtol})`,
    );
  }
  return true;
}
