/**
 * Element-wise ops with NumPy/PyTorch broadcasting and PyTorch's type promotion.
 * Each is one primitive call (`unary` / `binary` / `where`) after shapes and dtypes are settled.
 */
import type { BinaryOp, UnaryOp } from '../backend.js';
import { allocArray, isFloat, resultType, scalarResultType, type DType } from '../dtype.js';
import { broadcastShapes, fmtShape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { expand } from '../views.js';

/** Throws unless every tensor lives on the same backend. */
export function assertSameBackend(op: string, ...xs: Tensor[]): void {
  const first = xs[0]!.backend;
  const other = xs.find((x) => x.backend !== first);
  if (other) throw new Error(`${op}: tensors are on different backends (${first.name} and ${other.backend.name}); move one with .to('${first.name}')`);
}

/** A 0-d tensor holding `value`, on the same backend as `like`. */
export function scalarLike(value: number, dtype: DType, like: Tensor): Tensor {
  const data = allocArray(dtype, 1);
  data[0] = value;
  return Tensor.fromStorage(like.backend.fromArray(data), dtype, [], like.backend);
}

/** Turns a (tensor, number) pair into two tensors with the dtype PyTorch would compute in. */
function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  for (const x of [a, b]) {
    if (!(x instanceof Tensor) && typeof x !== 'number') {
      throw new Error(`${op}: expected a Tensor or a number, got ${(x as object)?.constructor?.name ?? typeof x} (to record gradients, call the op on the Variable: v.${op}(t))`);
    }
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    assertSameBackend(op, a, b);
    return [a, b];
  }
  if (a instanceof Tensor) return [a, scalarLike(b as number, scalarResultType(a.dtype, b as number), a)];
  if (b instanceof Tensor) return [scalarLike(a, scalarResultType(b.dtype, a), b), b];
  throw new Error(`${op}: at least one operand must be a Tensor, got two numbers (${a}, ${b})`);
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike, resultDType: (common: DType) => DType): Tensor {
  const [x, y] = operands(op, a, b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  const dtype = resultDType(resultType(x, y));
  return Tensor.fromStorage(x.backend.binary(op, expand(x, shape), expand(y, shape), dtype), dtype, shape, x.backend);
}

const same = (d: DType) => d;
const floating = (d: DType): DType => (isFloat(d) ? d : 'float32');
const boolean = (): DType => 'bool';

/** a + b element-wise, broadcasting; the result has the promoted dtype of a and b (PyTorch rules). */
export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b, same);
/** a − b element-wise, broadcasting; the result has the promoted dtype of a and b. */
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b, same);
/** a · b element-wise, broadcasting; the result has the promoted dtype of a and b. */
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b, same);
/** True division: integer inputs give float32, as in PyTorch. */
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b, floating);
/** a raised to the power b element-wise, broadcasting; the result has the promoted dtype of a and b. */
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b, same);
/** The larger of a and b element-wise, broadcasting; the result has the promoted dtype. */
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b, same);
/** The smaller of a and b element-wise, broadcasting; the result has the promoted dtype. */
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b, same);
/** a == b element-wise, broadcasting; a bool tensor. */
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b, boolean);
/** a != b element-wise, broadcasting; a bool tensor. */
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b, boolean);
/** a < b element-wise, broadcasting; a bool tensor. */
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b, boolean);
/** a ≤ b element-wise, broadcasting; a bool tensor. */
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b, boolean);
/** a > b element-wise, broadcasting; a bool tensor. */
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b, boolean);
/** a ≥ b element-wise, broadcasting; a bool tensor. */
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b, boolean);
/** a AND b element-wise (nonzero is true), broadcasting; a bool tensor. */
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('and', a, b, boolean);
/** a OR b element-wise (nonzero is true), broadcasting; a bool tensor. */
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('or', a, b, boolean);

function unary(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  return Tensor.fromStorage(x.backend.unary(op, x, dtype), dtype, x.shape, x.backend);
}

/** Ops whose result is a real number: integer inputs give float32, as in PyTorch. */
const floatUnary = (op: UnaryOp) => (x: Tensor) => unary(op, x, floating(x.dtype));
/** Ops that keep the input's dtype. */
const sameUnary = (op: UnaryOp) => (x: Tensor) => unary(op, x, x.dtype === 'bool' ? 'int32' : x.dtype);

/** −x element-wise; same shape and dtype (bool gives int32). */
export const neg = sameUnary('neg');
/** |x| element-wise; same shape and dtype (bool gives int32). */
export const abs = sameUnary('abs');
/** The sign of x (−1, 0 or 1) element-wise; same shape and dtype (bool gives int32). */
export const sign = sameUnary('sign');
/** max(x, 0) element-wise; same shape and dtype (bool gives int32). */
export const relu = sameUnary('relu');
/** x rounded down element-wise; same shape and dtype (bool gives int32). */
export const floor = sameUnary('floor');
/** eˣ element-wise; same shape, float dtype (integer inputs give float32). */
export const exp = floatUnary('exp');
/** Natural logarithm element-wise; same shape, float dtype (integer inputs give float32). */
export const log = floatUnary('log');
/** √x element-wise; same shape, float dtype (integer inputs give float32). */
export const sqrt = floatUnary('sqrt');
/** 1/√x element-wise; same shape, float dtype (integer inputs give float32). */
export const rsqrt = floatUnary('rsqrt');
/** Hyperbolic tangent element-wise; same shape, float dtype (integer inputs give float32). */
export const tanh = floatUnary('tanh');
/** 1 / (1 + e⁻ˣ) element-wise; same shape, float dtype (integer inputs give float32). */
export const sigmoid = floatUnary('sigmoid');
/** The Gauss error function element-wise; same shape, float dtype (integer inputs give float32). */
export const erf = floatUnary('erf');
/** Sine element-wise; same shape, float dtype (integer inputs give float32). */
export const sin = floatUnary('sin');
/** Cosine element-wise; same shape, float dtype (integer inputs give float32). */
export const cos = floatUnary('cos');
/** NOT x element-wise (nonzero is true); a bool tensor of the same shape. */
export const logicalNot = (x: Tensor) => unary('not', x, 'bool');

/** cond ? a : b element-wise, broadcasting all three; `cond` must be a bool tensor. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== 'bool') throw new Error(`where: condition must be a bool tensor (e.g. x.gt(0)), got ${cond.dtype}`);
  const [x, y] =
    a instanceof Tensor || b instanceof Tensor
      ? operands('where', a, b)
      : [scalarLike(a, 'float32', cond), scalarLike(b, 'float32', cond)];
  assertSameBackend('where', cond, x, y);
  const shape = broadcastShapes('where', cond.shape, x.shape, y.shape);
  const dtype = resultType(x, y);
  const storage = cond.backend.where(expand(cond, shape), expand(x, shape), expand(y, shape), dtype);
  return Tensor.fromStorage(storage, dtype, shape, cond.backend);
}

/** Limits values to [min, max]; either bound may be omitted. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (min === undefined && max === undefined) throw new Error('clamp: give at least one of min and max');
  if (min !== undefined && max !== undefined && min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  let y = x;
  if (min !== undefined) y = maximum(y, min);
  if (max !== undefined) y = minimum(y, max);
  return y;
}

/** Error for ops that need a floating-point input. */
export function assertFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new Error(`${op}: expected a float32 or float64 tensor, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
}
