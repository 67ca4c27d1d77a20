/**
 * Element-wise ops and their derivatives. `g` is the gradient of the loss w.r.t. the output;
 * each rule returns the gradient w.r.t. each input, summed back over broadcast dims.
 */
import * as T from '@glimpse/tensor';
import type { Tensor } from '@glimpse/tensor';
import { Variable, type VarLike } from '../variable.js';
import { asVariable, unbroadcast, valueOf } from './util.js';

type Operand = Tensor | number;
type BinaryRule = (g: Tensor, out: Tensor, a: Operand, b: Operand) => [Tensor | undefined, Tensor | undefined];

function binary(op: string, forward: (a: Operand, b: Operand) => Tensor, rule: BinaryRule) {
  return (a: VarLike, b: VarLike): Variable => {
    const like = a instanceof Variable ? a : (b as Variable);
    if (!(like instanceof Variable)) throw new Error(`${op}: at least one operand must be a Variable`);
    const [x, y] = [valueOf(a), valueOf(b)];
    const out = forward(x, y);
    const inputs = [asVariable(a, like), asVariable(b, like)];
    return Variable.fromOp(op, out, inputs, (g) => {
      const [ga, gb] = rule(g, out, x, y);
      return [ga && unbroadcast(ga, inputs[0]!.shape), gb && unbroadcast(gb, inputs[1]!.shape)];
    });
  };
}

function unary(op: string, forward: (x: Tensor) => Tensor, rule: (g: Tensor, out: Tensor, x: Tensor) => Tensor) {
  return (x: Variable): Variable => {
    const out = forward(x.data);
    return Variable.fromOp(op, out, [x], (g) => [rule(g, out, x.data)]);
  };
}

/** a + b element-wise with broadcasting, recorded; ∂/∂a = ∂/∂b = g (summed over broadcast dims). */
export const add = binary('add', T.add, (g) => [g, g]);
/** a − b element-wise with broadcasting, recorded; ∂/∂a = g, ∂/∂b = −g. */
export const sub = binary('sub', T.sub, (g) => [g, g.neg()]);
/** a · b element-wise with broadcasting, recorded; ∂/∂a = g·b, ∂/∂b = g·a. */
export const mul = binary('mul', T.mul, (g, _, a, b) => [g.mul(b), g.mul(a)]);
/** a / b element-wise with broadcasting, recorded; ∂/∂a = g/b, ∂/∂b = −g·a/b². */
export const div = binary('div', T.div, (g, out, _, b) => [g.div(b), g.mul(out).div(b).neg()]);
// d(a^b)/da = b·a^(b-1) and d(a^b)/db = a^b·ln a, with PyTorch's conventions where these are 0·∞:
// ∂/∂a is 0 wherever b = 0 (also at a = 0), ∂/∂b is 0 where a = 0 and b ≥ 0. Where a = 0 and
// b < 0, a^b = ∞ and ∂/∂b = g·(∞·ln 0) = ∓∞, as in torch (pow_backward_self / _exponent).
/** a raised to the power b element-wise with broadcasting, recorded; gradients follow PyTorch where they are 0·∞ (see the rule). */
export const pow = binary('pow', T.pow, (g, out, a, b) => {
  let ga: Tensor | undefined;
  if (typeof a !== 'number') {
    if (typeof b === 'number') ga = b === 0 ? T.zerosLike(g) : g.mul(a.pow(b - 1).mul(b));
    else ga = T.where(T.eq(b, 0), 0, g.mul(a.pow(b.sub(1)).mul(b)));
  }
  if (typeof b === 'number') return [ga, undefined];
  const zeroBase = typeof a === 'number' ? (a === 0 ? T.ge(b, 0) : undefined) : T.eq(a, 0).logicalAnd(T.ge(b, 0));
  const dOut = out.mul(typeof a === 'number' ? Math.log(a) : a.log());
  return [ga, g.mul(zeroBase ? T.where(zeroBase, 0, dOut) : dOut)];
});
// Ties split the gradient in half, as PyTorch does for maximum/minimum.
const tieSplit = (g: Tensor, a: Operand, b: Operand, wins: (a: Operand, b: Operand) => Tensor): [Tensor, Tensor] => {
  const share = T.where(wins(a, b), 1, T.where(T.eq(a, b), 0.5, 0));
  return [g.mul(share), g.mul(T.sub(1, share))];
};
/** The larger of a and b element-wise, recorded; the gradient goes to the larger input, split in half on ties. */
export const maximum = binary('maximum', T.maximum, (g, _, a, b) => tieSplit(g, a, b, T.gt));
/** The smaller of a and b element-wise, recorded; the gradient goes to the smaller input, split in half on ties. */
export const minimum = binary('minimum', T.minimum, (g, _, a, b) => tieSplit(g, a, b, T.lt));

/** −x element-wise, recorded; same shape and dtype. */
export const neg = unary('neg', T.neg, (g) => g.neg());
/** |x| element-wise, recorded; ∂/∂x = g·sign(x) (0 at 0). */
export const abs = unary('abs', T.abs, (g, _, x) => g.mul(x.sign()));
/** eˣ element-wise, recorded; ∂/∂x = g·eˣ. */
export const exp = unary('exp', T.exp, (g, out) => g.mul(out));
/** Natural logarithm element-wise, recorded; ∂/∂x = g/x. */
export const log = unary('log', T.log, (g, _, x) => g.div(x));
/** √x element-wise, recorded; ∂/∂x = g/(2√x). */
export const sqrt = unary('sqrt', T.sqrt, (g, out) => g.div(out.mul(2)));
/** 1/√x element-wise, recorded; ∂/∂x = −g/(2x^1.5). */
export const rsqrt = unary('rsqrt', T.rsqrt, (g, out) => g.mul(out.pow(3)).mul(-0.5));
/** Hyperbolic tangent element-wise, recorded; ∂/∂x = g·(1 − tanh²x). */
export const tanh = unary('tanh', T.tanh, (g, out) => g.mul(T.sub(1, out.mul(out))));
/** σ(x) = 1/(1 + e⁻ˣ) element-wise, recorded; ∂/∂x = g·σ(1 − σ). */
export const sigmoid = unary('sigmoid', T.sigmoid, (g, out) => g.mul(out).mul(T.sub(1, out)));
/** max(x, 0) element-wise, recorded; the gradient passes where x > 0. */
export const relu = unary('relu', T.relu, (g, _, x) => T.where(x.gt(0), g, 0));
/** The Gauss error function element-wise, recorded; ∂/∂x = g·2e^(−x²)/√π. */
export const erf = unary('erf', T.erf, (g, _, x) => g.mul(x.mul(x).neg().exp()).mul(2 / Math.sqrt(Math.PI)));
/** Sine element-wise, recorded; ∂/∂x = g·cos x. */
export const sin = unary('sin', T.sin, (g, _, x) => g.mul(x.cos()));
/** Cosine element-wise, recorded; ∂/∂x = −g·sin x. */
export const cos = unary('cos', T.cos, (g, _, x) => g.mul(x.sin()).neg());

/** clamp passes the gradient where min ≤ x ≤ max (bounds included, as in PyTorch). */
export function clamp(x: Variable, min?: number, max?: number): Variable {
  const out = T.clamp(x.data, min, max);
  return Variable.fromOp('clamp', out, [x], (g) => {
    let inside = T.ge(x.data, min ?? -Infinity);
    if (max !== undefined) inside = inside.logicalAnd(x.data.le(max));
    return [T.where(inside, g, 0)];
  });
}

/** cond ? a : b; the gradient goes to whichever side was picked. */
export function where(cond: Tensor, a: VarLike, b: VarLike): Variable {
  const like = a instanceof Variable ? a : (b as Variable);
  if (!(like instanceof Variable)) throw new Error('where: at least one of a, b must be a Variable');
  const out = T.where(cond, valueOf(a), valueOf(b));
  const inputs = [asVariable(a, like), asVariable(b, like)];
  return Variable.fromOp('where', out, inputs, (g) => [
    unbroadcast(T.where(cond, g, 0), inputs[0]!.shape),
    unbroadcast(T.where(cond, 0, g), inputs[1]!.shape),
  ]);
}

/** Converts dtype; the gradient is converted back. */
export function cast(x: Variable, dtype: T.DType): Variable {
  if (dtype === x.dtype) return x;
  return Variable.fromOp('cast', x.data.to(dtype), [x], (g) => [g.to(x.dtype)]);
}
