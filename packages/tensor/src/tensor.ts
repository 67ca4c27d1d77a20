/**
 * Tensor = storage + dtype + shape + strides + offset, on a backend. Tensors are immutable
 * values: every op returns a new tensor, and view ops share the storage of their input.
 *
 * The methods here only delegate to the functions in views.ts and ops/, so `x.matmul(w)` and
 * `matmul(x, w)` are the same code, and autograd's Variable can mirror this API one to one.
 */
import type { Backend, Storage, View } from './backend.js';
import { getBackend } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { DTYPES } from './dtype.js';
import { formatTensor } from './format.js';
import { dispose, trackStorage } from './memory.js';
import { contiguousStrides, sizeOf, type Shape } from './shape.js';
import * as V from './views.js';
import * as E from './ops/elementwise.js';
import * as A from './ops/activation.js';
import * as R from './ops/reduce.js';
import * as I from './ops/indexing.js';
import * as J from './ops/join.js';
import { matmul } from './ops/matmul.js';
import { tril, triu } from './ops/triangular.js';

export type TensorLike = Tensor | number;
type Axes = number | readonly number[];

export class Tensor implements View {
  readonly shape: Shape;
  readonly strides: readonly number[];

  constructor(
    readonly storage: Storage,
    readonly dtype: DType,
    shape: readonly number[],
    strides: readonly number[],
    readonly offset: number,
    readonly backend: Backend,
  ) {
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
  }

  /** A fresh contiguous tensor over a storage the backend just returned. */
  static fromStorage(storage: Storage, dtype: DType, shape: readonly number[], backend: Backend): Tensor {
    trackStorage(storage, backend);
    return new Tensor(storage, dtype, shape, contiguousStrides(shape), 0, backend);
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True when the elements lie in row-major order with no gaps (size-1 dims ignored). */
  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.rank - 1; d >= 0; d--) {
      if (this.shape[d] === 1) continue;
      if (this.strides[d] !== expected) return false;
      expected *= this.shape[d]!;
    }
    return true;
  }

  // ---- read-out ----
  /** A contiguous host copy of the elements (a TypedArray of this dtype; bool reads as Uint8Array). */
  dataSync(): TypedArray {
    return this.backend.read(this);
  }

  /** The elements as nested JS arrays (bool as 0/1). */
  toArray(): unknown {
    const flat = this.dataSync();
    const build = (d: number, at: number): unknown => {
      if (d === this.rank) return flat[at];
      const n = this.shape[d]!;
      const step = sizeOf(this.shape.slice(d + 1));
      return Array.from({ length: n }, (_, i) => build(d + 1, at + i * step));
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor as a JS number. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape [${this.shape.join(',')}] has ${this.size} elements, not 1`);
    return this.dataSync()[0]!;
  }

  toString(): string {
    return formatTensor(this);
  }

  // ---- layout, dtype and device ----
  /** This tensor if already contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return this.isContiguous() ? this : this.clone();
  }

  /** A contiguous copy with its own storage. */
  clone(): Tensor {
    return Tensor.fromStorage(this.backend.copy(this, this.dtype), this.dtype, this.shape, this.backend);
  }

  /** Converts to a dtype (`'float64'`, …) or moves to a backend (`'cpu'`, `'gpu'`); no-op if already there. */
  to(target: DType | string): Tensor {
    if ((DTYPES as readonly string[]).includes(target)) {
      const dtype = target as DType;
      return dtype === this.dtype ? this : Tensor.fromStorage(this.backend.copy(this, dtype), dtype, this.shape, this.backend);
    }
    const backend = getBackend(target);
    if (backend === this.backend) return this;
    return Tensor.fromStorage(backend.fromArray(this.dataSync()), this.dtype, this.shape, backend);
  }

  /** Frees this tensor's storage now (matters on gpu; views of it become invalid). See also `tidy`. */
  dispose(): void {
    dispose(this);
  }

  // ---- views ----
  view(shape: readonly number[]): Tensor { return V.view(this, shape); }
  reshape(shape: readonly number[]): Tensor { return V.reshape(this, shape); }
  permute(axes: readonly number[]): Tensor { return V.permute(this, axes); }
  transpose(a = -2, b = -1): Tensor { return V.transpose(this, a, b); }
  slice(axis: number, start?: number, end?: number, step?: number): Tensor { return V.slice(this, axis, start, end, step); }
  narrow(axis: number, start: number, length: number): Tensor { return V.narrow(this, axis, start, length); }
  select(axis: number, index: number): Tensor { return V.select(this, axis, index); }
  expand(shape: readonly number[]): Tensor { return V.expand(this, shape); }
  squeeze(axis?: Axes): Tensor { return V.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return V.unsqueeze(this, axis); }
  flatten(startDim?: number, endDim?: number): Tensor { return V.flatten(this, startDim, endDim); }

  // ---- element-wise ----
  add(other: TensorLike): Tensor { return E.add(this, other); }
  sub(other: TensorLike): Tensor { return E.sub(this, other); }
  mul(other: TensorLike): Tensor { return E.mul(this, other); }
  div(other: TensorLike): Tensor { return E.div(this, other); }
  pow(exponent: TensorLike): Tensor { return E.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return E.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return E.minimum(this, other); }
  eq(other: TensorLike): Tensor { return E.eq(this, other); }
  ne(other: TensorLike): Tensor { return E.ne(this, other); }
  lt(other: TensorLike): Tensor { return E.lt(this, other); }
  le(other: TensorLike): Tensor { return E.le(this, other); }
  gt(other: TensorLike): Tensor { return E.gt(this, other); }
  ge(other: TensorLike): Tensor { return E.ge(this, other); }
  logicalAnd(other: TensorLike): Tensor { return E.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return E.logicalOr(this, other); }
  logicalNot(): Tensor { return E.logicalNot(this); }
  neg(): Tensor { return E.neg(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  rsqrt(): Tensor { return E.rsqrt(this); }
  tanh(): Tensor { return E.tanh(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  relu(): Tensor { return E.relu(this); }
  erf(): Tensor { return E.erf(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  floor(): Tensor { return E.floor(this); }
  clamp(min?: number, max?: number): Tensor { return E.clamp(this, min, max); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return A.gelu(this, approximate); }
  quickGelu(): Tensor { return A.quickGelu(this); }
  softmax(axis = -1): Tensor { return A.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return A.logSoftmax(this, axis); }

  // ---- reductions ----
  sum(axis?: Axes, keepdim = false): Tensor { return R.sum(this, axis, keepdim); }
  mean(axis?: Axes, keepdim = false): Tensor { return R.mean(this, axis, keepdim); }
  prod(axis?: Axes, keepdim = false): Tensor { return R.prod(this, axis, keepdim); }
  max(axis?: Axes, keepdim = false): Tensor { return R.max(this, axis, keepdim); }
  min(axis?: Axes, keepdim = false): Tensor { return R.min(this, axis, keepdim); }
  argmax(axis?: number, keepdim = false): Tensor { return R.argmax(this, axis, keepdim); }
  argmin(axis?: number, keepdim = false): Tensor { return R.argmin(this, axis, keepdim); }
  logsumexp(axis?: Axes, keepdim = false): Tensor { return R.logsumexp(this, axis, keepdim); }
  var(axis?: Axes, keepdim = false, correction = 1): Tensor { return R.variance(this, axis, keepdim, correction); }

  // ---- linear algebra, indexing, joining ----
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  gather(axis: number, index: Tensor): Tensor { return I.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor): Tensor { return I.indexSelect(this, axis, index); }
  scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, axis, index, src); }
  oneHot(numClasses: number): Tensor { return I.oneHot(this, numClasses); }
  split(sizes: number | readonly number[], axis = 0): Tensor[] { return J.split(this, sizes, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return J.chunk(this, chunks, axis); }
  triu(diagonal = 0): Tensor { return triu(this, diagonal); }
  tril(diagonal = 0): Tensor { return tril(this, diagonal); }
}
