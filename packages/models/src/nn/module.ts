/**
 * Module: a tree of named parameters and child modules, PyTorch-style. Children and parameters
 * are found by property name (a Parameter, a Module, or an array of Modules → `name.0`, `name.1`,
 * …), so with Hugging Face property names `namedParameters()` yields checkpoint keys directly.
 */
import { Parameter } from '@glimpse/autograd';
import type { DType, Tensor } from '@glimpse/tensor';

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class Module {
  /** Training mode (dropout active); switch with train() / eval(). */
  training = true;

  /** Direct children, by registration name, in declaration order. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) yield [key, value];
      else if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) if (item instanceof Module) yield [`${key}.${i}`, item];
      }
    }
  }

  /** Parameters held directly by this module (not its children). */
  *ownParameters(): Generator<[string, Parameter]> {
    for (const [key, value] of Object.entries(this)) if (value instanceof Parameter) yield [key, value];
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  /**
   * Every (dotted name, parameter) pair, including each name of a shared parameter
   * (the state-dict view). `namedParameters()` lists each parameter once.
   */
  *allNamedParameters(): Generator<[string, Parameter]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) yield [prefix ? `${prefix}.${name}` : name, p];
    }
  }

  /** Each parameter once, under the first name it is reachable by (PyTorch's named_parameters). */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    return [...this.allNamedParameters()].filter(([, p]) => !seen.has(p) && seen.add(p));
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Number of distinct scalar parameters (shared ones counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Converts every parameter to a float dtype (sharing is kept: each parameter is converted once). */
  to(dtype: DType): this {
    for (const p of this.parameters()) p.assign(p.data.to(dtype));
    return this;
  }

  /** Every parameter under every name it has (shared ones appear under each), as in PyTorch. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.allNamedParameters()].map(([name, p]) => [name, p.data]));
  }

  /**
   * Copies tensors into the parameters by name (converted to each parameter's dtype). All
   * problems are collected first and reported in one error, and nothing is assigned unless
   * everything checks out, so a failed load never leaves a half-loaded model. Shape mismatches
   * are always errors; missing and unexpected keys are errors when `strict` (the default).
   */
  loadStateDict(dict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const named = [...this.allNamedParameters()];
    const known = new Set(named.map(([name]) => name));
    const missingKeys = named.filter(([name]) => !(name in dict)).map(([name]) => name);
    const unexpectedKeys = Object.keys(dict).filter((k) => !known.has(k));
    const mismatched = named
      .filter(([name, p]) => name in dict && dict[name]!.shape.join() !== p.shape.join())
      .map(([name, p]) => `${name}: checkpoint [${dict[name]!.shape.join(',')}] vs model [${p.shape.join(',')}]`);
    const problems = [
      ...(mismatched.length ? [`shape mismatch for ${mismatched.length} key(s):\n  ${mismatched.join('\n  ')}`] : []),
      ...(strict && missingKeys.length ? [`missing ${missingKeys.length} key(s):\n  ${missingKeys.join('\n  ')}`] : []),
      ...(strict && unexpectedKeys.length ? [`unexpected ${unexpectedKeys.length} key(s):\n  ${unexpectedKeys.join('\n  ')}`] : []),
    ];
    if (problems.length) throw new Error(`loadStateDict (${this.constructor.name}): ${problems.join('\n')}`);
    for (const [name, p] of named) if (name in dict) p.assign(dict[name]!.to(p.dtype));
    return { missingKeys, unexpectedKeys };
  }
}
