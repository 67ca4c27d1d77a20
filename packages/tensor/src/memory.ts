/**
 * Deterministic release of device memory. On the cpu the garbage collector owns every array and
 * none of this matters; on the gpu each storage is a texture that lives until it is deleted.
 *
 *   - `x.dispose()` / `dispose(x)` frees a tensor's storage now (views of it become unusable);
 *   - `tidy(fn)` runs fn and then frees every storage created inside it that the result does not
 *     reach (found through arrays, plain objects, Maps, Sets and object properties — e.g. a
 *     Variable's `data` and `grad`), so a training step leaves nothing behind;
 *   - `keep(x)` exempts a tensor made inside a tidy scope from that scope (and the ones around it).
 *
 * Scopes nest: what an inner tidy returns is handed to the enclosing one. Tensors captured in
 * closures are invisible to the walk: call backward() inside the scope, not on a graph it returns.
 */
import type { Backend, Storage } from './backend.js';

interface Tracked {
  readonly storage: Storage;
  readonly backend: Backend;
}

/** Each open scope: the storages created in it (storage → its backend). */
const scopes: Map<Storage, Backend>[] = [];

/** Called for every storage a backend returns (Tensor.fromStorage): joins the innermost scope. */
export function trackStorage(storage: Storage, backend: Backend): void {
  scopes[scopes.length - 1]?.set(storage, backend);
}

function isTracked(x: unknown): x is Tracked {
  return typeof x === 'object' && x !== null && 'storage' in x && 'backend' in x && typeof (x as Tracked).backend?.dispose === 'function';
}

/** Storages of every tensor reachable from `root`. */
function reachable(root: unknown): Set<Storage> {
  const found = new Set<Storage>();
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    if (isTracked(x)) {
      found.add(x.storage);
      continue;
    }
    if (ArrayBuffer.isView(x)) continue;
    if (x instanceof Map) {
      for (const [k, v] of x) stack.push(k, v);
    } else if (x instanceof Set || Array.isArray(x)) {
      for (const v of x) stack.push(v);
    } else {
      for (const v of Object.values(x)) stack.push(v);
    }
  }
  return found;
}

/**
 * Runs `fn` and frees the device memory of every tensor created inside it that its result does
 * not reach (and that was not `keep`-ed). Returns fn's result. fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Map<Storage, Backend>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const [s, b] of scope) b.dispose(s);
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const [s, b] of scope) b.dispose(s);
    throw new Error('tidy: fn returned a Promise; tidy scopes are synchronous (await outside, tidy inside)');
  }
  const live = reachable(result);
  const outer = scopes[scopes.length - 1];
  for (const [s, b] of scope) {
    if (live.has(s)) outer?.set(s, b);
    else b.dispose(s);
  }
  return result;
}

/** Exempts x's storage from every open tidy scope: it lives until disposed. Returns x. */
export function keep<T extends Tracked>(x: T): T {
  for (const scope of scopes) scope.delete(x.storage);
  return x;
}

/** Frees the storage of each tensor found in `x` (a tensor, or arrays/objects of them) now. */
export function dispose(x: unknown): void {
  const stack = [x];
  const seen = new Set<unknown>();
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (isTracked(v)) {
      for (const scope of scopes) scope.delete(v.storage);
      v.backend.dispose(v.storage);
    } else if (Array.isArray(v)) stack.push(...v);
    else if (Object.getPrototypeOf(v) === Object.prototype) stack.push(...Object.values(v));
  }
}
