/**
 * Creating tensors. JS numbers carry no int/float distinction, so `tensor()` of numbers is
 * float32 unless a dtype is given; arange with integer arguments is int32 (PyTorch gives int64).
 */
import { getBackend } from '../backend.js';
import { allocArray, assertDType, dtypeOfArray, type DType, type TypedArray } from '../dtype.js';
import { resolveGenerator, type Generator, type RandomOptions } from '../random.js';
import { assertShape, fmtShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Options of the creation functions: the dtype (float32 unless given) and the backend. */
export interface CreateOptions {
  dtype?: DType;
  /** Backend name ('cpu', 'gpu'); defaults to the current one (see setBackend). */
  backend?: string;
}

/** Numbers or booleans nested in arrays, one level per dim (`[[1, 2], [3, 4]]` is shape [2, 2]). */
export type NestedArray = number | boolean | readonly NestedArray[];

/** A JS number as `dtype` stores it: bool is `v !== 0` (so 0.5 and NaN are true, as in PyTorch). */
const toStored = (dtype: DType, v: number) => (dtype === 'bool' ? (v !== 0 ? 1 : 0) : v);

/** Wraps host data of a known shape (takes ownership of `data`). */
export function fromArray(data: TypedArray, shape: readonly number[], backend?: string): Tensor {
  assertShape('fromArray', shape);
  if (data.length !== sizeOf(shape)) throw new Error(`fromArray: ${data.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  const b = getBackend(backend);
  return Tensor.fromStorage(b.fromArray(data), dtypeOfArray(data), shape, b);
}

function shapeOfNested(data: NestedArray): number[] {
  const shape: number[] = [];
  let d: NestedArray = data;
  while (Array.isArray(d)) {
    shape.push(d.length);
    d = d[0] as NestedArray;
  }
  return shape;
}

function flattenNested(data: NestedArray, shape: readonly number[], out: number[], depth = 0, path = ''): void {
  if (depth === shape.length) {
    if (Array.isArray(data) || (typeof data !== 'number' && typeof data !== 'boolean')) {
      throw new Error(`tensor: ragged or non-numeric data at ${path || 'top level'} (expected a number for shape ${fmtShape(shape)})`);
    }
    out.push(Number(data));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new Error(`tensor: ragged nested array at ${path || 'top level'}: expected ${shape[depth]} items for shape ${fmtShape(shape)}`);
  }
  data.forEach((item, i) => flattenNested(item as NestedArray, shape, out, depth + 1, `${path}[${i}]`));
}

/**
 * A tensor from nested arrays, a TypedArray (copied; its dtype is kept unless `dtype` says
 * otherwise) or a single number. `shape` reshapes flat data.
 */
export function tensor(data: NestedArray | TypedArray, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (opts.dtype !== undefined) assertDType(opts.dtype, 'tensor');
  let values: ArrayLike<number>;
  let shape: readonly number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    values = data;
    shape = [data.length];
    dtype = opts.dtype ?? dtypeOfArray(data);
  } else {
    shape = shapeOfNested(data);
    const flat: number[] = [];
    flattenNested(data, shape, flat);
    values = flat;
    const isBool = typeof (Array.isArray(data) ? (data.flat(Infinity)[0] as unknown) : data) === 'boolean';
    dtype = opts.dtype ?? (isBool ? 'bool' : 'float32');
  }
  if (opts.shape) {
    assertShape('tensor', opts.shape);
    if (sizeOf(opts.shape) !== values.length) throw new Error(`tensor: ${values.length} values do not fill shape ${fmtShape(opts.shape)}`);
    shape = opts.shape;
  }
  const out = allocArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = toStored(dtype, values[i]!);
  return fromArray(out, shape, opts.backend);
}

/** A tensor of `shape` filled with `value` (float32 unless `dtype` is given). */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  assertShape('full', shape);
  const dtype = opts.dtype ?? 'float32';
  const data = allocArray(dtype, sizeOf(shape));
  data.fill(toStored(dtype, value));
  return fromArray(data, shape, opts.backend);
}

/** A tensor of `shape` filled with 0 (float32 unless `dtype` is given). */
export const zeros = (shape: readonly number[], opts: CreateOptions = {}) => full(shape, 0, opts);
/** A tensor of `shape` filled with 1 (float32 unless `dtype` is given). */
export const ones = (shape: readonly number[], opts: CreateOptions = {}) => full(shape, 1, opts);
/** Zeros with x's shape, dtype and backend. */
export const zerosLike = (x: Tensor) => full(x.shape, 0, { dtype: x.dtype, backend: x.backend.name });
/** Ones with x's shape, dtype and backend. */
export const onesLike = (x: Tensor) => full(x.shape, 1, { dtype: x.dtype, backend: x.backend.name });
/** A tensor filled with `value`, with x's shape, dtype and backend. */
export const fullLike = (x: Tensor, value: number) => full(x.shape, value, { dtype: x.dtype, backend: x.backend.name });

/**
 * start, start+step, … < end. `arange(end)`, `arange(start, end)`, `arange(start, end, step)`,
 * each optionally followed by options. Integer arguments give int32, others float32.
 */
export function arange(...args: (number | CreateOptions)[]): Tensor {
  const opts = (typeof args[args.length - 1] === 'object' ? args.pop() : {}) as CreateOptions;
  const nums = args as number[];
  if (nums.length < 1 || nums.length > 3) throw new Error('arange: expected (end), (start, end) or (start, end, step)');
  const [start, end, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be finite and non-zero, got ${step}`);
  const n = Math.max(Math.ceil((end - start) / step), 0);
  const dtype = opts.dtype ?? (nums.every(Number.isInteger) ? 'int32' : 'float32');
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromArray(data, [n], opts.backend);
}

/** n×m identity (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  assertShape('eye', [n, m]);
  const data = allocArray(opts.dtype ?? 'float32', n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromArray(data, [n, m], opts.backend);
}

function randomTensor(op: string, shape: readonly number[], opts: CreateOptions & RandomOptions, dtype: DType, draw: (g: Generator) => number): Tensor {
  assertShape(op, shape);
  const g = resolveGenerator(op, opts);
  const data = allocArray(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return fromArray(data, shape, opts.backend);
}

/** Uniform in [0, 1); float32 draws use 24 random bits, so each is exact and below 1. */
export function rand(shape: readonly number[], opts: CreateOptions & RandomOptions = {}): Tensor {
  const dtype = opts.dtype ?? 'float32';
  const draw = dtype === 'float32' ? (g: Generator) => (g.nextUint32() >>> 8) / 16777216 : (g: Generator) => g.uniform();
  return randomTensor('rand', shape, opts, dtype, draw);
}

/** Standard normal. */
export function randn(shape: readonly number[], opts: CreateOptions & RandomOptions = {}): Tensor {
  return randomTensor('randn', shape, opts, opts.dtype ?? 'float32', (g) => g.normal());
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: CreateOptions & RandomOptions = {}): Tensor {
  return randomTensor('randint', shape, opts, opts.dtype ?? 'int32', (g) => g.integer(low, high));
}
