import { Parameter, type Variable } from '@glimpse/autograd';
import { Module } from './module.js';
import { uniform, zeros, type InitOptions } from './init.js';

/**
 * y = x·Wᵀ + b with W stored [out, in] (PyTorch / Hugging Face layout).
 * Initialised like torch.nn.Linear: W, b ~ U(−1/√in, 1/√in).
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | undefined;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: InitOptions & { bias?: boolean } = {}) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(uniform([outFeatures, inFeatures], -bound, bound, opts));
    this.bias = opts.bias === false ? undefined : new Parameter(inFeatures > 0 ? uniform([outFeatures], -bound, bound, opts) : zeros([outFeatures], opts));
  }

  /** x [..., in] → [..., out]. */
  forward(x: Variable): Variable {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`Linear(${this.inFeatures} → ${this.outFeatures}): input has ${x.shape[x.rank - 1]} features (shape [${x.shape.join(',')}])`);
    }
    const y = x.matmul(this.weight.transpose());
    return this.bias ? y.add(this.bias) : y;
  }
}
