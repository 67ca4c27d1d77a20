/**
 * Variable: a Tensor that remembers how it was made. Each op returns a Variable whose `node`
 * holds the op's inputs and a backward rule (micrograd's `_backward`): given the gradient of
 * the loss w.r.t. the output, return the gradient w.r.t. each input. `backward()` visits the
 * graph in reverse topological order and sums the gradients that reach each Variable.
 */
import { isFloat, onesLike, type DType, type Tensor } from '@glimpse/tensor';
import { isGradEnabled } from './grad-mode.js';
import * as ops from './ops/index.js';

/** Gradient of the output → gradient of each input (undefined: this input gets none). */
export type BackwardRule = (grad: Tensor) => readonly (Tensor | undefined)[];

interface Node {
  readonly op: string;
  readonly inputs: readonly Variable[];
  readonly backward: BackwardRule;
}

export type VarLike = Variable | Tensor | number;
type Axes = number | readonly number[];

export class Variable {
  /** The value (replaced in place only through `assign`). */
  data: Tensor;
  /** Accumulated gradient of the last backward passes (leaves, and Variables that called retainGrad). */
  grad: Tensor | undefined;
  private _requiresGrad: boolean;
  private node: Node | undefined;
  /** Set once the graph behind this Variable has been freed by a backward pass. */
  private released = false;
  private keepsGrad = false;

  constructor(data: Tensor, opts: { requiresGrad?: boolean } = {}) {
    this.data = data;
    this._requiresGrad = false;
    this.requiresGrad = opts.requiresGrad ?? false;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (value && !isFloat(this.data.dtype)) {
      throw new Error(`requiresGrad: only float tensors can require gradients, got ${this.data.dtype} (ids and masks never receive gradients)`);
    }
    if (!value && this.node) throw new Error('requiresGrad: cannot switch off a non-leaf Variable; use detach()');
    this._requiresGrad = value;
  }

  /** Builds the output Variable of an op, recording the graph when some input needs a gradient. */
  static fromOp(op: string, data: Tensor, inputs: readonly Variable[], backward: BackwardRule): Variable {
    const out = new Variable(data);
    if (isGradEnabled() && isFloat(data.dtype) && inputs.some((v) => v._requiresGrad)) {
      out._requiresGrad = true;
      out.node = { op, inputs, backward };
    }
    return out;
  }

  /** True for Variables created by the user (not by an op). */
  get isLeaf(): boolean {
    return this.node === undefined && !this.released;
  }

  /** Name of the op that made this Variable (undefined for leaves). */
  get op(): string | undefined {
    return this.node?.op;
  }

  /** The Variables this one was computed from (empty for leaves or after the graph is freed). */
  get inputs(): readonly Variable[] {
    return this.node?.inputs ?? [];
  }

  get shape(): readonly number[] {
    return this.data.shape;
  }

  get dtype(): DType {
    return this.data.dtype;
  }

  get rank(): number {
    return this.data.rank;
  }

  get size(): number {
    return this.data.size;
  }

  /** Same value, cut from the graph. */
  detach(): Variable {
    return new Variable(this.data);
  }

  /**
   * Replaces the value of a leaf, e.g. an optimizer step `w.assign(w.data.sub(w.grad.mul(lr)))`.
   * The shape must stay the same; a change between float dtypes (Module.to) clears `.grad`.
   * Graphs already built keep the old value.
   */
  assign(value: Tensor): this {
    if (this.node) throw new Error(`assign: only leaf Variables can be assigned, this one was made by '${this.node.op}'`);
    const sameKind = value.dtype === this.data.dtype || (isFloat(value.dtype) && isFloat(this.data.dtype));
    if (!sameKind || value.shape.join() !== this.data.shape.join()) {
      throw new Error(`assign: expected ${this.data.dtype} [${this.shape.join(',')}], got ${value.dtype} [${value.shape.join(',')}]`);
    }
    if (value.dtype !== this.data.dtype) this.grad = undefined;
    this.data = value;
    return this;
  }

  /** Keeps `.grad` on this non-leaf Variable after backward (leaves always keep it). */
  retainGrad(): this {
    this.keepsGrad = true;
    return this;
  }

  zeroGrad(): void {
    this.grad = undefined;
  }

  item(): number {
    return this.data.item();
  }

  toString(): string {
    const fn = this.node ? `, gradFn=${this.node.op}` : this._requiresGrad ? ', requiresGrad=true' : '';
    return this.data.toString().replace(/\)$/, `${fn})`);
  }

  /**
   * Back-propagates from this Variable. A scalar needs no `gradient` (it defaults to 1);
   * anything else needs one of its shape. The graph is freed afterwards unless `retainGraph`.
   */
  backward(gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    if (this.released) throw new Error('backward: the graph behind this Variable was already freed by a backward pass; pass { retainGraph: true } to the first call to go through it twice');
    if (!this._requiresGrad) throw new Error('backward: this Variable does not require grad and has no graph (did an input set requiresGrad: true? was it computed inside noGrad?)');
    if (gradient === undefined && this.size !== 1) {
      throw new Error(`backward: a gradient is needed for a non-scalar output of shape [${this.shape.join(',')}] (pass one of the same shape, or reduce to a scalar first)`);
    }
    const seed = gradient ?? onesLike(this.data);
    if (seed.shape.join() !== this.shape.join()) {
      throw new Error(`backward: gradient shape [${seed.shape.join(',')}] does not match output shape [${this.shape.join(',')}]`);
    }
    const order = topologicalOrder(this);
    const grads = new Map<Variable, Tensor>([[this, seed.to(this.dtype)]]);
    for (const v of order) {
      const g = grads.get(v);
      grads.delete(v);
      if (g === undefined) continue;
      if (v.released) throw new Error('backward: part of this graph was already freed by an earlier backward pass; pass { retainGraph: true } to the first call to go through it twice');
      if (!v.node || v.keepsGrad) v.grad = v.grad ? v.grad.add(g) : g;
      if (!v.node) continue;
      const inputGrads = v.node.backward(g);
      v.node.inputs.forEach((input, i) => {
        const ig = inputGrads[i];
        if (!input._requiresGrad || ig === undefined) return;
        if (ig.shape.join() !== input.shape.join()) {
          throw new Error(`backward: rule of '${v.node!.op}' returned a gradient of shape [${ig.shape.join(',')}] for input ${i} of shape [${input.shape.join(',')}]`);
        }
        const previous = grads.get(input);
        grads.set(input, previous ? previous.add(ig) : ig);
      });
      if (!opts.retainGraph) {
        v.node = undefined;
        v.released = true;
      }
    }
  }

  // ---- the Tensor API, recorded (see ./ops) ----
  add(other: VarLike): Variable { return ops.add(this, other); }
  sub(other: VarLike): Variable { return ops.sub(this, other); }
  mul(other: VarLike): Variable { return ops.mul(this, other); }
  div(other: VarLike): Variable { return ops.div(this, other); }
  pow(exponent: VarLike): Variable { return ops.pow(this, exponent); }
  maximum(other: VarLike): Variable { return ops.maximum(this, other); }
  minimum(other: VarLike): Variable { return ops.minimum(this, other); }
  neg(): Variable { return ops.neg(this); }
  abs(): Variable { return ops.abs(this); }
  exp(): Variable { return ops.exp(this); }
  log(): Variable { return ops.log(this); }
  sqrt(): Variable { return ops.sqrt(this); }
  rsqrt(): Variable { return ops.rsqrt(this); }
  tanh(): Variable { return ops.tanh(this); }
  sigmoid(): Variable { return ops.sigmoid(this); }
  relu(): Variable { return ops.relu(this); }
  erf(): Variable { return ops.erf(this); }
  sin(): Variable { return ops.sin(this); }
  cos(): Variable { return ops.cos(this); }
  clamp(min?: number, max?: number): Variable { return ops.clamp(this, min, max); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Variable { return ops.gelu(this, approximate); }
  quickGelu(): Variable { return ops.quickGelu(this); }
  softmax(axis = -1): Variable { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Variable { return ops.logSoftmax(this, axis); }
  /** Comparisons give bool tensors (no gradient flows through a comparison). */
  eq(other: VarLike): Tensor { return this.data.eq(ops.valueOf(other)); }
  ne(other: VarLike): Tensor { return this.data.ne(ops.valueOf(other)); }
  lt(other: VarLike): Tensor { return this.data.lt(ops.valueOf(other)); }
  le(other: VarLike): Tensor { return this.data.le(ops.valueOf(other)); }
  gt(other: VarLike): Tensor { return this.data.gt(ops.valueOf(other)); }
  ge(other: VarLike): Tensor { return this.data.ge(ops.valueOf(other)); }

  sum(axis?: Axes, keepdim = false): Variable { return ops.sum(this, axis, keepdim); }
  mean(axis?: Axes, keepdim = false): Variable { return ops.mean(this, axis, keepdim); }
  prod(axis?: Axes, keepdim = false): Variable { return ops.prod(this, axis, keepdim); }
  max(axis?: Axes, keepdim = false): Variable { return ops.max(this, axis, keepdim); }
  min(axis?: Axes, keepdim = false): Variable { return ops.min(this, axis, keepdim); }
  argmax(axis?: number, keepdim = false): Tensor { return this.data.argmax(axis, keepdim); }
  argmin(axis?: number, keepdim = false): Tensor { return this.data.argmin(axis, keepdim); }
  logsumexp(axis?: Axes, keepdim = false): Variable { return ops.logsumexp(this, axis, keepdim); }
  var(axis?: Axes, keepdim = false, correction = 1): Variable { return ops.variance(this, axis, keepdim, correction); }

  view(shape: readonly number[]): Variable { return ops.view(this, shape); }
  reshape(shape: readonly number[]): Variable { return ops.reshape(this, shape); }
  permute(axes: readonly number[]): Variable { return ops.permute(this, axes); }
  transpose(a = -2, b = -1): Variable { return ops.transpose(this, a, b); }
  slice(axis: number, start?: number, end?: number, step?: number): Variable { return ops.slice(this, axis, start, end, step); }
  narrow(axis: number, start: number, length: number): Variable { return ops.narrow(this, axis, start, length); }
  select(axis: number, index: number): Variable { return ops.select(this, axis, index); }
  expand(shape: readonly number[]): Variable { return ops.expand(this, shape); }
  squeeze(axis?: Axes): Variable { return ops.squeeze(this, axis); }
  unsqueeze(axis: number): Variable { return ops.unsqueeze(this, axis); }
  flatten(startDim?: number, endDim?: number): Variable { return ops.flatten(this, startDim, endDim); }
  contiguous(): Variable { return ops.contiguous(this); }
  to(dtype: DType): Variable { return ops.cast(this, dtype); }

  matmul(other: VarLike): Variable { return ops.matmul(this, other); }
  gather(axis: number, index: Tensor): Variable { return ops.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor): Variable { return ops.indexSelect(this, axis, index); }
  scatterAdd(axis: number, index: Tensor, src: VarLike): Variable { return ops.scatterAdd(this, axis, index, src); }
  split(sizes: number | readonly number[], axis = 0): Variable[] { return ops.split(this, sizes, axis); }
  chunk(chunks: number, axis = 0): Variable[] { return ops.chunk(this, chunks, axis); }
  triu(diagonal = 0): Variable { return ops.triu(this, diagonal); }
  tril(diagonal = 0): Variable { return ops.tril(this, diagonal); }
}

/** A Variable that is a model weight: requires grad from the start. */
export class Parameter extends Variable {
  constructor(data: Tensor, opts: { requiresGrad?: boolean } = {}) {
    super(data, { requiresGrad: opts.requiresGrad ?? true });
  }
}

/** Post-order DFS without recursion (deep graphs would overflow the stack), returned outputs-first. */
function topologicalOrder(root: Variable): Variable[] {
  const order: Variable[] = [];
  const seen = new Set<Variable>([root]);
  const stack: [Variable, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [v, i] = top;
    const inputs = v.inputs;
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i]!;
      if (!seen.has(child) && child.requiresGrad) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(v);
    }
  }
  return order.reverse();
}
