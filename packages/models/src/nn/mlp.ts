import type { Variable } from '@glimpse/autograd';
import { activation, type Activation } from './activation.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import type { InitOptions } from './init.js';

/** fc1 (dim → hidden) → activation → fc2 (hidden → dim): the transformer feed-forward (CLIP/ViT names). */
export class MLP extends Module {
  fc1: Linear;
  fc2: Linear;
  private readonly act: Activation;

  constructor(dim: number, hidden: number, hiddenAct: string, opts: InitOptions = {}) {
    super();
    this.act = activation(hiddenAct);
    this.fc1 = new Linear(dim, hidden, opts);
    this.fc2 = new Linear(hidden, dim, opts);
  }

  forward(x: Variable): Variable {
    return this.fc2.forward(this.act(this.fc1.forward(x)));
  }
}
