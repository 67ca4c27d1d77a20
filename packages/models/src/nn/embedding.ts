import { Parameter, Variable, where } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import { Module } from './module.js';
import { normal, type InitOptions } from './init.js';

/**
 * A lookup table [num, dim]: ids [...] (int32) → vectors [..., dim]. Initialised N(0, 1) like
 * torch.nn.Embedding. With `paddingIdx`, that row receives no gradient (Hugging Face BLIP/BERT).
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | undefined;

  constructor(readonly num: number, readonly dim: number, opts: InitOptions & { paddingIdx?: number } = {}) {
    super();
    this.weight = new Parameter(normal([num, dim], 1, opts));
    this.paddingIdx = opts.paddingIdx;
  }

  forward(ids: Tensor): Variable {
    if (ids.dtype !== 'int32') throw new Error(`Embedding: ids must be int32, got ${ids.dtype}`);
    const looked = this.weight.indexSelect(0, ids);
    if (this.paddingIdx === undefined) return looked;
    // Same values; the padding positions read a detached copy, so their row gets no gradient.
    return where(ids.eq(this.paddingIdx).unsqueeze(-1), looked.detach(), looked);
  }
}
