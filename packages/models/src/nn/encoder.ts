import type { Variable } from '@glimpse/autograd';
import { Module } from './module.js';

/** A layer that maps hidden states to hidden states of the same shape. */
export interface Layer<Options> extends Module {
  forward(hidden: Variable, opts?: Options): Variable;
}

/** A stack of layers (HF `encoder.layers.N` / `encoder.layer.N`), each fed the previous output. */
export class Encoder<L extends Layer<Options>, Options = unknown> extends Module {
  constructor(readonly layers: L[]) {
    super();
  }

  /** Runs every layer; `onLayer` sees each layer's output (for returning all hidden states). */
  forward(hidden: Variable, opts?: Options, onLayer?: (output: Variable, index: number) => void): Variable {
    let h = hidden;
    this.layers.forEach((layer, i) => {
      h = layer.forward(h, opts);
      onLayer?.(h, i);
    });
    return h;
  }
}
