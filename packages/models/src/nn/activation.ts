import type { Variable } from '@glimpse/autograd';

/** An element-wise activation function on Variables (same shape and dtype out). */
export type Activation = (x: Variable) => Variable;

/** Activations by their Hugging Face `hidden_act` name. */
export const ACTIVATIONS: Record<string, Activation> = {
  gelu: (x) => x.gelu(),
  gelu_new: (x) => x.gelu('tanh'),
  gelu_pytorch_tanh: (x) => x.gelu('tanh'),
  quick_gelu: (x) => x.quickGelu(),
  relu: (x) => x.relu(),
  tanh: (x) => x.tanh(),
};

/** The activation for a Hugging Face `hidden_act` name ('gelu', 'quick_gelu', …); unknown names throw, listing the known ones. */
export function activation(name: string): Activation {
  const fn = ACTIVATIONS[name];
  if (!fn) throw new Error(`activation: unknown hidden_act '${name}' (known: ${Object.keys(ACTIVATIONS).join(', ')})`);
  return fn;
}
