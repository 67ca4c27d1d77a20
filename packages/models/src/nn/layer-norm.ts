import { Parameter, layerNorm, type Variable } from '@glimpse/autograd';
import { Module } from './module.js';
import { ones, zeros, type InitOptions } from './init.js';

/** LayerNorm over the last dim with a learned gain (`weight`, ones) and `bias` (zeros). */
export class LayerNorm extends Module {
  weight: Parameter;
  bias: Parameter;

  constructor(readonly dim: number, readonly eps = 1e-5, opts: InitOptions = {}) {
    super();
    this.weight = new Parameter(ones([dim], opts));
    this.bias = new Parameter(zeros([dim], opts));
  }

  forward(x: Variable): Variable {
    return layerNorm(x, [this.dim], this.weight, this.bias, this.eps);
  }
}
