/**
 * Weight initialisation, deterministic by generator. Each helper returns a new tensor; layers
 * use them in their constructors, and models re-initialise parameters with `param.assign(...)`
 * to match a reference (OpenAI CLIP's stds, BERT's normal(0.02), timm's truncated normal).
 */
import { getDefaultGenerator, sizeOf, tensor, type DType, type Generator, type Tensor } from '@glimpse/tensor';

/** How an initialiser draws: the dtype of the new tensor (default float32) and the generator (default: the global one). */
export interface InitOptions {
  dtype?: DType;
  generator?: Generator;
}

function fill(shape: readonly number[], opts: InitOptions, draw: (g: Generator) => number): Tensor {
  const g = opts.generator ?? getDefaultGenerator();
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return tensor(data, { dtype: opts.dtype ?? 'float32', shape });
}

/** N(mean, std²). */
export function normal(shape: readonly number[], std: number, opts: InitOptions = {}, mean = 0): Tensor {
  return fill(shape, opts, (g) => mean + std * g.normal());
}

/**
 * N(mean, std²) restricted to [a, b] by redrawing (timm's trunc_normal_: the bounds are absolute
 * values, not multiples of std, so trunc_normal_(std=0.02) is effectively untruncated).
 */
export function truncNormal(shape: readonly number[], std: number, opts: InitOptions = {}, a = -2, b = 2, mean = 0): Tensor {
  if (!(a < b)) throw new Error(`truncNormal: need a < b, got [${a}, ${b}]`);
  if ((a - mean) / std > 5 || (b - mean) / std < -5) throw new Error(`truncNormal: [${a}, ${b}] lies more than 5 std from the mean ${mean}`);
  return fill(shape, opts, (g) => {
    for (;;) {
      const x = mean + std * g.normal();
      if (x >= a && x <= b) return x;
    }
  });
}

/** U(low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: InitOptions = {}): Tensor {
  return fill(shape, opts, (g) => low + (high - low) * g.uniform());
}

/** A tensor of `shape` filled with `value` (float32 unless `dtype` is given). */
export function constant(shape: readonly number[], value: number, opts: InitOptions = {}): Tensor {
  return fill(shape, opts, () => value);
}

/** A tensor of `shape` filled with 0 (float32 unless `dtype` is given). */
export const zeros = (shape: readonly number[], opts: InitOptions = {}) => constant(shape, 0, opts);
/** A tensor of `shape` filled with 1 (float32 unless `dtype` is given). */
export const ones = (shape: readonly number[], opts: InitOptions = {}) => constant(shape, 1, opts);
