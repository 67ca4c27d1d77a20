import { describe, expect, it } from 'vitest';
import { registerBackend, type Storage } from './backend.js';
import { CpuBackend } from './cpu/backend.js';
import { dispose, keep, tidy } from './memory.js';
import { tensor } from './ops/create.js';

/** The cpu kernels, with a ledger of which storages are alive: tidy's bookkeeping, without a GPU. */
class LedgerBackend extends CpuBackend {
  override readonly name = 'ledger';
  readonly alive = new Set<Storage>();
  override fromArray(data: Parameters<CpuBackend['fromArray']>[0]): Storage {
    return this.note(super.fromArray(data));
  }
  override binary(...args: Parameters<CpuBackend['binary']>): Storage {
    return this.note(super.binary(...args));
  }
  override unary(...args: Parameters<CpuBackend['unary']>): Storage {
    return this.note(super.unary(...args));
  }
  override reduce(...args: Parameters<CpuBackend['reduce']>): Storage {
    return this.note(super.reduce(...args));
  }
  override dispose(s: Storage): void {
    this.alive.delete(s);
  }
  private note(s: Storage): Storage {
    this.alive.add(s);
    return s;
  }
}
const ledger = new LedgerBackend();
registerBackend(ledger);
const t = (data: number[]) => tensor(data, { backend: 'ledger' });

describe('tidy, keep and dispose', () => {
  it('frees what a scope made and did not return, keeps the result (and its views)', () => {
    const x = t([1, 2, 3]);
    const before = ledger.alive.size;
    const y = tidy(() => x.mul(2).add(1).exp().reshape([3, 1]));
    expect(ledger.alive.has(y.storage)).toBe(true);
    expect(ledger.alive.has(x.storage)).toBe(true); // made outside the scope
    expect(ledger.alive.size).toBe(before + 1);
  });

  it('keeps tensors reached through arrays, objects, Maps and class instances', () => {
    const before = ledger.alive.size;
    class Holder {
      constructor(readonly inner: { value: unknown }) {}
    }
    const out = tidy(() => {
      const a = t([1]).add(1);
      const b = t([2]).add(1);
      const c = t([3]).add(1);
      t([4]).add(1); // dropped
      return { list: [a], map: new Map([['b', b]]), holder: new Holder({ value: c }) };
    });
    expect(ledger.alive.size).toBe(before + 3);
    expect(out.list[0]!.item()).toBe(2);
  });

  it('nests: an inner result joins the outer scope and is freed there unless returned again', () => {
    const before = ledger.alive.size;
    let inner: ReturnType<typeof t> | undefined;
    const outer = tidy(() => {
      inner = tidy(() => t([1]).add(1));
      expect(ledger.alive.has(inner.storage)).toBe(true);
      return inner.add(1);
    });
    expect(ledger.alive.has(inner!.storage)).toBe(false);
    expect(ledger.alive.has(outer.storage)).toBe(true);
    expect(ledger.alive.size).toBe(before + 1);
  });

  it('keep() exempts a tensor from every open scope; dispose() frees now, once', () => {
    const before = ledger.alive.size;
    let kept: ReturnType<typeof t> | undefined;
    tidy(() => {
      kept = keep(t([5]).add(1));
      tidy(() => kept!.add(1));
    });
    expect(ledger.alive.has(kept!.storage)).toBe(true);
    expect(ledger.alive.size).toBe(before + 1);
    dispose([kept]);
    kept!.dispose(); // twice is harmless
    expect(ledger.alive.size).toBe(before);
  });

  it('frees everything when fn throws, and refuses async functions', () => {
    const before = ledger.alive.size;
    expect(() =>
      tidy(() => {
        t([1]).add(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ledger.alive.size).toBe(before);
    expect(() => tidy(() => Promise.resolve(1))).toThrow('tidy: fn returned a Promise');
  });
});
