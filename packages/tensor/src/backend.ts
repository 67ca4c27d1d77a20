/**
 * The backend interface: the small set of primitives every device implements (tinygrad-style).
 * Everything else (softmax, layerNorm, gelu, logsumexp, concat of views, …) is composed from
 * these in `ops/`, once, for every backend.
 *
 * A backend sees only strided views of opaque storages and returns new contiguous storages.
 * Shapes are already validated and broadcast by the caller; backends never see a JS number
 * where a tensor is expected.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';
import { CpuBackend } from './cpu/backend.js';

/** Opaque per-backend memory (a TypedArray on cpu, a texture on gpu, WebAssembly memory later). */
export interface Storage {
  readonly length: number;
}

/** A strided window onto a storage: what a tensor is, without its methods. */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The element-wise unary primitives a backend implements (`not` is logical negation). */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'sqrt' | 'rsqrt'
  | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'sin' | 'cos' | 'floor' | 'not';

/** The element-wise binary primitives a backend implements (arithmetic, comparisons, logical and/or). */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'and' | 'or';

/** The reduction primitives a backend implements over a set of axes. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * A device: the primitives every tensor op is built from, working on strided views of opaque storages.
 * Implement it and call `registerBackend` to add a device.
 */
export interface Backend {
  readonly name: string;
  /** Wraps host data (the backend takes ownership of the array). */
  fromArray(data: TypedArray): Storage;
  /** Reads a view back to the host as a new contiguous array of the view's dtype. */
  read(x: View): TypedArray;
  /** Contiguous copy of a view, converting to `dtype` (float→int truncates toward zero). */
  copy(x: View, dtype: DType): Storage;
  /** out = op(x), element-wise, stored as `dtype`. */
  unary(op: UnaryOp, x: View, dtype: DType): Storage;
  /** out = op(a, b); a and b have the output shape already (broadcast dims have stride 0). */
  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage;
  /** out = cond ? a : b; all three have the output shape already. */
  where(cond: View, a: View, b: View, dtype: DType): Storage;
  /**
   * Reduces `axes` (sorted, non-empty) and returns the keepdim-shaped result.
   * argmax/argmin take exactly one axis and return int32 (first occurrence wins, like PyTorch).
   */
  reduce(op: ReduceOp, x: View, axes: readonly number[], dtype: DType): Storage;
  /** Batched matmul: a [...batch, M, K] @ b [...batch, K, N], batch dims already broadcast. */
  matmul(a: View, b: View, dtype: DType): Storage;
  /** PyTorch gather: out[p] = x[p with p[axis] := index[p]]; out has the index's shape. */
  gather(x: View, axis: number, index: View): Storage;
  /** PyTorch scatter_add (out of place): out = x; out[p with p[axis] := index[p]] += src[p]. */
  scatterAdd(x: View, axis: number, index: View, src: View): Storage;
  /** Concatenates views (equal dtype, equal shapes except along `axis`). */
  concat(xs: readonly View[], axis: number, outShape: Shape): Storage;
  /** Frees device memory now (a no-op where the garbage collector owns memory); idempotent. */
  dispose(storage: Storage): void;
  /**
   * Throws, naming the cause, when this backend cannot run here (the gpu backend without a GL
   * context). Called by setBackend and by every lookup by name, so nothing quietly runs elsewhere.
   */
  ready?(): void;
  /**
   * The widest float this backend computes in: 64 (default) or 32 (the gpu: WebGL has no
   * doubles, so float64 tensors there keep their dtype but hold float32 values).
   */
  readonly maxFloatBits?: 32 | 64;
}

// The cpu backend is always there and is the default; others register themselves when loaded.
const cpu: Backend = new CpuBackend();
const backends = new Map<string, Backend>([[cpu.name, cpu]]);
let current = cpu;

/** Adds (or replaces) a backend under its `name`, so tensors can be created on it. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** The backend registered as `name`, or the current default one when no name is given. */
export function getBackend(name?: string): Backend {
  if (name === undefined) return current;
  const b = backends.get(name);
  if (!b) {
    const hint = name === 'gpu' ? "; the gpu backend registers itself when '@glimpse/tensor/gpu' is imported" : '';
    throw new Error(`getBackend: unknown backend '${name}' (registered: ${[...backends.keys()].join(', ')})${hint}`);
  }
  b.ready?.();
  return b;
}

/** Makes `name` the backend that new tensors are created on (throws if it cannot run here). */
export function setBackend(name: string): void {
  current = getBackend(name);
}

/** The names of the registered backends ('cpu' always). */
export function listBackends(): string[] {
  return [...backends.keys()];
}
