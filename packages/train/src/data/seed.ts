/**
 * Seeds derived from (seed, epoch, index): each epoch's shuffle and each example's augmentation
 * get their own generator, computed from those numbers alone. So nothing about the data depends
 * on what was drawn before — the order in which prefetching or worker threads run, or where a
 * run was resumed — and a resumed run sees exactly the same batches and crops.
 */
import { Generator } from '@glimpse/tensor';

/** A 32-bit hash of a list of integers (murmur3's finaliser over each word, chained). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    if (!Number.isSafeInteger(p)) throw new Error(`mixSeed: expected safe integers, got ${p}`);
    for (const word of [p >>> 0, Math.floor(p / 2 ** 32) >>> 0]) {
      h = Math.imul(h ^ word, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** A permutation of 0..n-1 (Fisher–Yates) drawn from `generator`. */
export function permutation(n: number, generator: Generator): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** The example order of `epoch`: a permutation seeded by (seed, epoch), or 0..n-1 without shuffling. */
export function epochOrder(n: number, seed: number, epoch: number, shuffle = true): Int32Array {
  if (!shuffle) return Int32Array.from({ length: n }, (_, i) => i);
  return permutation(n, new Generator(mixSeed(seed, 0x5eed, epoch)));
}

/** The generator of example `index` in `epoch` (for its augmentation and caption choice). */
export function exampleGenerator(seed: number, epoch: number, index: number): Generator {
  return new Generator(mixSeed(seed, 0xa06, epoch, index));
}
