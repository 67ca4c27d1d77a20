/**
 * What the PyTorch parity tests share (test-only; `@glimpse/tensor/testing/parity`): reading a
 * fixture written by tools/oracle/*.py, replaying its `views`, and comparing a Glimpse result with
 * torch's. Used by packages/tensor/src/ops/parity.test.ts (forward values) and
 * packages/autograd/src/parity.test.ts (outputs and gradients). No test-runner import, so it
 * builds with the package.
 *
 * Tolerances, |glimpse − torch| ≤ rtol · max(|torch|, floor):
 *   float64  rtol 1e-12        float32  rtol 1e-6
 *   'relative': floor = the smallest normal number of the dtype (2.2e-308, 1.2e-38), i.e. plain
 *       relative error, for element-wise results;
 *   'scaled': floor = max |torch| over the compared tensor's finite values (or `termScale`, the
 *       size of the summed terms where the caller knows it and it is larger), for results that
 *       come out of sums where terms cancel: there a value near 0 carries the absolute rounding
 *       error of the largest terms, so pure relative error would be meaningless;
 *   'exact': bit for bit (data movement and selection). Every int32 / bool result is exact;
 *       NaN matches NaN, ±inf match only themselves.
 * On a backend that computes in float32 only (the gpu, `maxFloatBits: 32`), every float result —
 * float64-labelled ones too, which hold float32 values there — is compared with rtol
 * DEVICE_RTOL = 2e-5 (GLSL's exp/log/pow are a few ulp, not correctly rounded), 'exact' ones
 * included (a float64 torch value moved onto the device is rounded), with float32's floor, and
 * values below float32's smallest normal match 0 (GLSL flushes subnormals).
 */
import type { DType } from '../dtype.js';
import { parseSafetensors } from '../safetensors.js';
import type { Tensor } from '../tensor.js';

/** How a result is compared with torch's: 'exact' (bit for bit), 'relative', or 'scaled' (relative to the largest |torch| value; see the header). */
export type Comparison = 'exact' | 'relative' | 'scaled';

/** The relative tolerance per dtype: 1e-12 for float64, 1e-6 for float32. */
export const RTOL: Partial<Record<DType, number>> = { float64: 1e-12, float32: 1e-6 };
/** The relative tolerance of every float comparison on a backend that computes in float32 only (the gpu). */
export const DEVICE_RTOL = 2e-5;
const TINY: Partial<Record<DType, number>> = { float64: 2.2250738585072014e-308, float32: 1.1754943508222875e-38 };

/** Ops whose float results must equal PyTorch's bit for bit (no arithmetic, or exact arithmetic). */
const EXACT = new Set([
  'neg', 'abs', 'sign', 'relu', 'floor', 'maximum', 'minimum', 'where', 'clamp', 'max', 'min',
  'gather', 'indexSelect', 'oneHot', 'concat', 'stack', 'split', 'chunk', 'triu', 'tril',
]);
/** Ops where cancellation calls for an absolute floor of rtol · max|torch|. */
const SCALED = new Set(['sum', 'mean', 'var', 'logsumexp', 'matmul', 'layerNorm', 'logSoftmax', 'scatterAdd', 'gelu']);

/** How the forward result of a tensor op is compared (see the header). */
export function forwardComparison(op: string): Comparison {
  return EXACT.has(op) ? 'exact' : SCALED.has(op) ? 'scaled' : 'relative';
}

/** What `compare` finds: a description of the mismatches (empty when none) and the worst relative error. */
export interface ComparisonResult {
  /** '' when every element is within tolerance, else the first mismatches. */
  problem: string;
  /** Largest |glimpse − torch| / max(|torch|, floor) over finite values (0 for exact equality). */
  worst: number;
}

/**
 * Compares a Glimpse result with the torch reference; `dtype` is the dtype Glimpse should give.
 * `termScale` (for 'scaled') raises the floor to the magnitude of the terms the result summed,
 * e.g. the upstream gradient's for a gradient summed over broadcast dims: a 0-d sum of terms that
 * cancel would otherwise be its own floor.
 */
export function compare(actual: Tensor, expected: Tensor, dtype: DType, how: Comparison, termScale = 0): ComparisonResult {
  if (actual.dtype !== dtype) return { problem: `dtype ${actual.dtype}, expected ${dtype}`, worst: Infinity };
  if (actual.shape.join(',') !== expected.shape.join(',')) return { problem: `shape [${actual.shape}], expected [${expected.shape}]`, worst: Infinity };
  const got = actual.dataSync();
  const want = expected.dataSync();
  const device32 = actual.backend.maxFloatBits === 32 && dtype in RTOL;
  const exact = !(dtype in RTOL) || (how === 'exact' && !device32);
  const rtol = device32 ? Math.max(RTOL[dtype]!, DEVICE_RTOL) : (RTOL[dtype] ?? 0);
  let floor = device32 ? TINY.float32! : (TINY[dtype] ?? 0);
  if (how === 'scaled') {
    floor = Math.max(floor, termScale);
    for (const v of want) if (Number.isFinite(v)) floor = Math.max(floor, Math.abs(v));
  }
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const [a, b] = [got[i]!, want[i]!];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    const err = Math.abs(a - b);
    const relative = Number.isFinite(b) ? err / Math.max(Math.abs(b), floor) : Infinity;
    worst = Math.max(worst, Number.isNaN(relative) ? Infinity : relative);
    // A float32 device flushes subnormals to zero (GLSL): anything below float32's smallest normal matches 0 there.
    const allowed = exact || !Number.isFinite(b) ? 0 : Math.max(rtol * Math.max(Math.abs(b), floor), device32 ? TINY.float32! : 0);
    if (!(err <= allowed) && bad.length < 5) {
      bad.push(`[${i}] glimpse ${a} torch ${b} (|diff| ${err.toExponential(2)} > ${allowed.toExponential(2)})`);
    }
  }
  const problem = bad.length ? `${bad.join('; ')}${exact ? '' : `; worst relative error ${worst.toExponential(2)}`}` : '';
  return { problem, worst };
}

/** Describes the mismatches between a Glimpse result and the torch reference ('' if none). */
export function mismatch(actual: Tensor, expected: Tensor, dtype: DType, how: Comparison): string {
  return compare(actual, expected, dtype, how).problem;
}

/** A case's op arguments, as JSON from the fixture. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the fixture
export type Args = Record<string, any>;
/** One view step of a case: the method name, then its arguments ('transpose', 0, 1). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ViewStep = [string, ...any[]];

/** A fixture case's metadata (tools/oracle/ops.py's docstring; autograd.py adds grads and leafViews). */
export interface CaseSpec {
  op: string;
  inputs: Record<string, string>;
  args: Args;
  views?: Record<string, ViewStep[]>;
  leafViews?: Record<string, ViewStep[]>;
  grads?: string[];
  outputs?: number;
  dtype?: DType;
  note?: string;
}

/** One parsed fixture file: its name, its tensors by name, and its cases. */
export interface Family {
  name: string;
  tensors: Record<string, Tensor>;
  cases: [string, CaseSpec][];
}

/** Parses one fixture file (`bytes` of `<dir>/<name>.safetensors`) into its tensors and cases. */
export function parseFamily(bytes: Uint8Array, file: string): Family {
  const { tensors, metadata } = parseSafetensors(bytes, file);
  const cases = Object.entries(metadata)
    .filter(([k]) => !k.startsWith('_'))
    .map(([k, v]) => [k, JSON.parse(v) as CaseSpec] as [string, CaseSpec]);
  const name = file.replace(/^.*\//, '').replace('.safetensors', '');
  return { name, tensors, cases };
}

/** Anything with the four view methods: a Tensor, or an autograd Variable (which records them). */
export interface Viewable<T> {
  transpose(a: number, b: number): T;
  permute(axes: readonly number[]): T;
  slice(axis: number, start?: number, end?: number, step?: number): T;
  expand(shape: readonly number[]): T;
}

/** Applies a case's view steps (transpose a b | permute axes | slice axis start end step | expand shape) in order. */
export function applyViews<T extends Viewable<T>>(x: T, steps: readonly ViewStep[]): T {
  return steps.reduce((t, [kind, ...a]) => {
    switch (kind) {
      case 'transpose': return t.transpose(a[0], a[1]);
      case 'permute': return t.permute(a[0]);
      case 'slice': return t.slice(a[0], a[1] ?? undefined, a[2] ?? undefined, a[3] ?? undefined);
      case 'expand': return t.expand(a[0]);
      default: throw new Error(`unknown view '${kind}' in fixture`);
    }
  }, x);
}
