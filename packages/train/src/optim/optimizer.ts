/**
 * The optimizer skeleton shared by SGD, Adam and AdamW: parameter groups with their own
 * hyper-parameters, per-parameter state, zeroGrad, and a state dict for checkpoints. Updates
 * are arithmetic on Tensors followed by `param.assign(...)`, so nothing is recorded.
 */
import type { Parameter } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';

/** Hyper-parameters every optimizer's groups carry; each optimizer adds its own. */
export interface GroupOptions {
  lr: number;
  weightDecay: number;
}

export interface ParamGroup<O extends GroupOptions> {
  params: Parameter[];
  options: O;
}

/** Either a flat list of parameters, or groups that override some options. */
export type ParamsInput<O extends GroupOptions> = readonly Parameter[] | readonly ({ params: readonly Parameter[] } & Partial<O>)[];

export interface OptimizerState {
  /** Per parameter (by its index across the groups, in order): the optimizer's buffers. */
  state: Record<string, Record<string, Tensor | number>>;
  /** Each group's options (the parameters themselves are not saved, only their order). */
  groups: Record<string, number>[];
}

export abstract class Optimizer<O extends GroupOptions> {
  readonly groups: ParamGroup<O>[];
  protected readonly state = new Map<Parameter, Record<string, Tensor | number>>();

  constructor(params: ParamsInput<O>, defaults: O) {
    const list = params as readonly (Parameter | ({ params: readonly Parameter[] } & Partial<O>))[];
    const grouped = list.length > 0 && 'params' in list[0]! && !('data' in list[0]!);
    const raw = grouped ? (list as ({ params: readonly Parameter[] } & Partial<O>)[]) : [{ params: list as readonly Parameter[] }];
    this.groups = raw.map(({ params: ps, ...overrides }) => ({ params: [...ps], options: { ...defaults, ...(overrides as Partial<O>) } }));
    const seen = new Set<Parameter>();
    for (const g of this.groups) {
      for (const p of g.params) {
        if (seen.has(p)) throw new Error(`${this.constructor.name}: a parameter appears in more than one group (or twice in one)`);
        seen.add(p);
      }
      if (!(g.options.lr >= 0)) throw new Error(`${this.constructor.name}: learning rate must be ≥ 0, got ${g.options.lr}`);
    }
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    for (const group of this.groups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        let s = this.state.get(p);
        if (!s) this.state.set(p, (s = {}));
        p.assign(this.update(p.data, p.grad, s, group.options));
      }
    }
  }

  /** The new value of one parameter; `state` is its own buffers, mutated in place. */
  protected abstract update(value: Tensor, grad: Tensor, state: Record<string, Tensor | number>, options: O): Tensor;

  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.zeroGrad();
  }

  /** Sets the learning rate of every group (what a schedule does each step). */
  setLr(lr: number | ((groupIndex: number) => number)): void {
    this.groups.forEach((g, i) => (g.options.lr = typeof lr === 'number' ? lr : lr(i)));
  }

  stateDict(): OptimizerState {
    const state: OptimizerState['state'] = {};
    let index = 0;
    for (const g of this.groups) {
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s) state[String(index)] = { ...s };
        index++;
      }
    }
    return { state, groups: this.groups.map((g) => ({ ...(g.options as unknown as Record<string, number>) })) };
  }

  /** Restores buffers and options saved by stateDict from an optimizer over the same parameters in the same order. */
  loadStateDict(saved: OptimizerState): void {
    if (saved.groups.length !== this.groups.length) {
      throw new Error(`${this.constructor.name}.loadStateDict: saved ${saved.groups.length} groups, this optimizer has ${this.groups.length}`);
    }
    const params = this.groups.flatMap((g) => g.params);
    for (const key of Object.keys(saved.state)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= params.length) throw new Error(`${this.constructor.name}.loadStateDict: state for parameter ${key}, but there are ${params.length}`);
      for (const [name, value] of Object.entries(saved.state[key]!)) {
        if (typeof value !== 'number' && value.shape.join() !== params[i]!.shape.join()) {
          throw new Error(`${this.constructor.name}.loadStateDict: buffer '${name}' of parameter ${i} is [${value.shape.join(',')}], the parameter is [${params[i]!.shape.join(',')}]`);
        }
      }
    }
    this.state.clear();
    for (const [key, s] of Object.entries(saved.state)) this.state.set(params[Number(key)]!, { ...s });
    saved.groups.forEach((o, i) => Object.assign(this.groups[i]!.options, o));
  }
}
