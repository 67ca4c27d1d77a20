/** Shared plumbing for the recorded ops. */
import { Tensor, tensor } from '@glimpse/tensor';
import { Variable, type VarLike } from '../variable.js';

/** The raw value behind a Variable (numbers stay numbers: they are PyTorch's weak scalars). */
export function valueOf(x: VarLike): Tensor | number {
  return x instanceof Variable ? x.data : x;
}

/** A Variable for any operand; Tensors and numbers become constants that never get a gradient. */
export function asVariable(x: VarLike, like: Variable): Variable {
  if (x instanceof Variable) return x;
  if (x instanceof Tensor) return new Variable(x);
  return new Variable(tensor(x, { dtype: like.dtype, backend: like.data.backend.name }));
}

/**
 * Sums a gradient of a broadcast result back to the shape of the operand that was broadcast:
 * over the leading dims it lacked and over the dims where it had size 1.
 */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  if (grad.shape.length === shape.length && grad.shape.every((d, i) => d === shape[i])) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < grad.rank; d++) if (d < lead || (shape[d - lead] === 1 && grad.shape[d] !== 1)) axes.push(d);
  const summed = axes.length ? grad.sum(axes, true) : grad;
  return summed.reshape(shape);
}
