/** Inputs the benchmarks share: the same numbers for every library compared and every run. */

/** `size` floats in [-0.5, 0.5) from a 32-bit LCG seeded with `seed` (cheap, and no library's RNG favoured). */
export function randomArray(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}
