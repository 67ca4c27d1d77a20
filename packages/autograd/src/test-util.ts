/** Helpers shared by this package's tests (not exported from the package). */
import { listBackends, randn, rand, type Tensor } from '@glimpse/tensor';
import { gradcheck } from './gradcheck.js';
import type { Variable } from './variable.js';

/** Every registered backend: the gradcheck suite runs once per backend (tfjs's describeWithFlags). */
export const backends = listBackends();

let seed = 1000;
/** A fresh float64 normal tensor on `backend` (new seed each call, so inputs differ). */
export function normal(shape: readonly number[], backend: string): Tensor {
  return randn(shape, { dtype: 'float64', seed: seed++, backend });
}

/** Uniform in [lo, hi), float64, e.g. for log/sqrt inputs that must stay positive. */
export function uniform(shape: readonly number[], lo: number, hi: number, backend: string): Tensor {
  return rand(shape, { dtype: 'float64', seed: seed++, backend }).mul(hi - lo).add(lo);
}

/** gradcheck with the defaults of torch.autograd.gradcheck (eps 1e-6, atol 1e-5, rtol 1e-3). */
export function check(fn: (...xs: Variable[]) => Variable, inputs: readonly Tensor[]): void {
  gradcheck(fn, inputs);
}
