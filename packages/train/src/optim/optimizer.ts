/**
 * The optimizer skeleton shared by SGD, Adam and AdamW: parameter groups with their own
 * hyper-parameters, per-parameter state, zeroGrad, and a state dict for checkpoints. Updates
 * are arithmetic on Tensors followed by `param.assign(...)`, so nothing is recorded.
 *
 * Memory (what matters on the gpu backend, where every tensor is a texture until disposed; on
 * the cpu `dispose` is a no-op and none of this changes a result):
 *
 *   - the optimizer owns the parameter values it writes and its state buffers. `step()` computes
 *     each update inside `tidy` (its temporaries are freed), `keep`s the new value and buffers,
 *     and disposes the ones they replace. **After `step()`, the previous value of every updated
 *     parameter is released** (and views of it): a graph built before the step cannot be
 *     back-propagated again (`retainGraph`), and a tensor given to `param.assign` / `new
 *     Parameter` must not be shared with anything that needs it after the next step (clone it).
 *     A replaced tensor still held by a parameter, gradient or buffer of this optimizer (tied
 *     or shared storage) is left alone;
 *   - **`zeroGrad()` releases the gradients** (`p.grad` disposed, then undefined), as torch's
 *     `zero_grad(set_to_none=True)` drops them; clone a gradient you want to read after it.
 *     `step()` itself leaves `p.grad` untouched (clipping or logging may still read it);
 *   - `stateDict()` returns the live buffers, valid until the next `step()`; `loadStateDict`
 *     copies the saved buffers (onto each parameter's backend), so the saved dict stays the caller's.
 *
 * A gpu training step then leaves a constant number of textures as long as the forward and
 * backward run inside a `tidy` that also calls `step()` (the graph's textures are the tidy's):
 *
 * ```ts
 * const loss = tidy(() => { const l = lossFn(); l.backward(); opt.step(); opt.zeroGrad(); return keep(l.data); });
 * ```
 */
import type { Parameter } from '@glimpse/autograd';
import { keep, tidy, type Storage, type Tensor } from '@glimpse/tensor';

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

  /**
   * Applies one update to every parameter that has a gradient. Each update runs in its own
   * `tidy`; the new value and buffers are kept, and the value and buffers they replace are
   * disposed (see the module comment: the previous parameter tensors are released).
   */
  step(): void {
    const replaced: Tensor[] = [];
    for (const group of this.groups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (!grad) continue;
        const value = p.data;
        const before = this.state.get(p) ?? {};
        // update() writes a draft, committed only when it returns: a throw leaves the old state whole.
        const draft = { ...before };
        const next = tidy(() => {
          // A result that is the gradient itself (SGD's first momentum buffer is d = g) gets its own
          // copy: zeroGrad releases gradients, and the optimizer must own what it keeps.
          const own = (t: Tensor) => keep(t.storage === grad.storage ? t.clone() : t);
          const out = own(this.update(value, grad, draft, group.options));
          for (const [k, v] of Object.entries(draft)) if (typeof v !== 'number') draft[k] = own(v);
          return out;
        });
        this.state.set(p, draft);
        p.assign(next);
        replaced.push(value);
        for (const [k, v] of Object.entries(before)) if (typeof v !== 'number' && draft[k] !== v) replaced.push(v);
      }
    }
    this.release(replaced);
  }

  /** The new value of one parameter; `state` is its own buffers, mutated in place. */
  protected abstract update(value: Tensor, grad: Tensor, state: Record<string, Tensor | number>, options: O): Tensor;

  /**
   * Clears every parameter's gradient and releases it (disposes its storage: the textures on
   * the gpu), unless a parameter value or buffer of this optimizer shares that storage.
   */
  zeroGrad(): void {
    const grads: Tensor[] = [];
    for (const g of this.groups) {
      for (const p of g.params) {
        if (p.grad) grads.push(p.grad);
        p.zeroGrad();
      }
    }
    this.release(grads);
  }

  /** Disposes each tensor whose storage no parameter value, gradient or buffer of this optimizer still uses. */
  private release(tensors: readonly Tensor[]): void {
    if (tensors.length === 0) return;
    const live = new Set<Storage>();
    for (const g of this.groups) {
      for (const p of g.params) {
        live.add(p.data.storage);
        if (p.grad) live.add(p.grad.storage);
        for (const v of Object.values(this.state.get(p) ?? {})) if (typeof v !== 'number') live.add(v.storage);
      }
    }
    for (const t of tensors) if (!live.has(t.storage)) t.dispose();
  }

  /** Sets the learning rate of every group (what a schedule does each step). */
  setLr(lr: number | ((groupIndex: number) => number)): void {
    this.groups.forEach((g, i) => (g.options.lr = typeof lr === 'number' ? lr : lr(i)));
  }

  /** The options and the live buffers (valid until the next `step()`, which releases the ones it replaces). */
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

  /**
   * Restores buffers and options saved by stateDict from an optimizer over the same parameters
   * in the same order. The buffers are copied onto each parameter's backend (the saved ones stay
   * the caller's); the buffers this optimizer held before are released.
   */
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
    const previous = [...this.state.values()].flatMap((s) => Object.values(s).filter((v): v is Tensor => typeof v !== 'number'));
    this.state.clear();
    for (const [key, s] of Object.entries(saved.state)) {
      const p = params[Number(key)]!;
      const own = (v: Tensor) => keep(v.backend === p.data.backend ? v.clone() : v.to(p.data.backend.name));
      this.state.set(p, Object.fromEntries(Object.entries(s).map(([name, v]) => [name, typeof v === 'number' ? v : own(v)])));
    }
    saved.groups.forEach((o, i) => Object.assign(this.groups[i]!.options, o));
    // Not the saved ones themselves (opt.loadStateDict(opt.stateDict()) hands back its own buffers).
    const inSaved = new Set(Object.values(saved.state).flatMap((s) => Object.values(s).flatMap((v) => (typeof v === 'number' ? [] : [v.storage]))));
    this.release(previous.filter((t) => !inSaved.has(t.storage)));
  }
}
