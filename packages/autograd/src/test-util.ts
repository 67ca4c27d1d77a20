/** Helpers shared by this package's tests (not exported from the package). */
import { getBackend, randn, rand, setBackend, type Tensor } from '@glimpse/tensor';
import { gpuUnavailableReason } from '@glimpse/tensor/gpu';
import { gradcheckAgainstCpu } from './gradcheck-device.js';
import { gradcheck } from './gradcheck.js';
import type { Variable } from './variable.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * The backends the gradcheck suite runs on (tfjs's describeWithFlags), chosen as the tensor
 * tests choose them: cpu, and gpu wherever a GL context can be made — always in CI, where a
 * missing context fails the gpu suites with its cause. GLIMPSE_BACKENDS=cpu,gpu overrides.
 */
export const backends: readonly string[] = env['GLIMPSE_BACKENDS']
  ? env['GLIMPSE_BACKENDS'].split(',').map((s) => s.trim()).filter(Boolean)
  : env['CI'] || gpuUnavailableReason() === undefined
    ? ['cpu', 'gpu']
    : ['cpu'];

let seed = 1000;
/** A fresh float64 normal tensor on `backend` (new seed each call, so inputs differ). */
export function normal(shape: readonly number[], backend: string): Tensor {
  return randn(shape, { dtype: 'float64', seed: seed++, backend });
}

/** Uniform in [lo, hi), float64, e.g. for log/sqrt inputs that must stay positive. */
export function uniform(shape: readonly number[], lo: number, hi: number, backend: string): Tensor {
  return rand(shape, { dtype: 'float64', seed: seed++, backend }).mul(hi - lo).add(lo);
}

/**
 * On the cpu: gradcheck with the defaults of torch.autograd.gradcheck (eps 1e-6, atol 1e-5,
 * rtol 1e-3). On a float32 device (the gpu): gradcheckAgainstCpu, its gradients against the
 * cpu's float64 ones (which the cpu tier checks against finite differences), rtol 1e-4 of each
 * gradient's largest element, atol 1e-6.
 */
export function check(fn: (...xs: Variable[]) => Variable, inputs: readonly Tensor[]): void {
  const backend = inputs[0]!.backend;
  if (backend.maxFloatBits === 32) return void gradcheckAgainstCpu(fn, inputs);
  const previous = getBackend();
  setBackend(backend.name);
  try {
    gradcheck(fn, inputs);
  } finally {
    setBackend(previous.name);
  }
}

/**
 * `t` on the current backend. A tensor that fn closes over (ids, a mask, a constant input) must
 * follow the backend fn runs on: the device, then the cpu for gradcheckAgainstCpu's reference.
 */
export const here = (t: Tensor): Tensor => t.to(getBackend().name);
