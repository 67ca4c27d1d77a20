/** JAX-style helpers for learners who prefer functions to `.backward()`. */
import { zerosLike, type Tensor } from '@glimpse/tensor';
import { Variable } from './variable.js';

/**
 * valueAndGrad(f) returns a function that evaluates the scalar f at tensors and also returns
 * ∂f/∂ each argument: `const [loss, [dw, db]] = valueAndGrad(f)(w, b)`.
 */
export function valueAndGrad(fn: (...xs: Variable[]) => Variable): (...xs: Tensor[]) => [Tensor, Tensor[]] {
  return (...xs) => {
    const vars = xs.map((x) => new Variable(x, { requiresGrad: true }));
    const out = fn(...vars);
    if (out.size !== 1) throw new Error(`valueAndGrad: fn must return a scalar, got shape [${out.shape.join(',')}]`);
    out.backward();
    return [out.data, vars.map((v, i) => v.grad ?? zerosLike(xs[i]!))];
  };
}

/** grad(f) = the gradients part of valueAndGrad(f). */
export function grad(fn: (...xs: Variable[]) => Variable): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(fn);
  return (...xs) => vg(...xs)[1];
}

