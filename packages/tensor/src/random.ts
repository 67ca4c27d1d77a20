/**
 * Seeded randomness. Every random tensor comes from a Generator (xoshiro128**, seeded through
 * splitmix32), so a seed reproduces a run exactly on every backend: numbers are drawn on the
 * host and uploaded. The default generator starts from seed 0; `manualSeed(n)` reseeds it, and
 * any call can take its own `{ seed }` or `{ generator }`.
 */
export class Generator {
  private s = new Uint32Array(4);
  private spareNormal: number | undefined;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed` (any integer; equal seeds give equal streams). */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) throw new Error(`manualSeed: seed must be a safe integer, got ${seed}`);
    // splitmix32 over the seed's low and high words fills the 128-bit state (never all zero).
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = z ^ (z >>> 16);
    }
    this.spareNormal = undefined;
    return this;
  }

  /**
   * The full state, to checkpoint and later `setState` (resuming a run bit-for-bit): four state
   * words and the cached second normal, NaN when there is none.
   */
  getState(): number[] {
    return [...this.s, this.spareNormal ?? NaN];
  }

  /** Restores a `getState()` result; the last entry may also be null (NaN after a JSON round trip). */
  setState(state: readonly (number | null)[]): void {
    if (state.length !== 5) throw new Error(`Generator.setState: expected 5 numbers, got ${state.length}`);
    const words = state.slice(0, 4);
    if (!words.every((w) => Number.isInteger(w) && w! >= 0 && w! < 2 ** 32) || words.every((w) => w === 0)) {
      throw new Error(`Generator.setState: the first 4 entries must be uint32 state words, not all zero, got [${words.join(', ')}]`);
    }
    this.s.set(words as number[]);
    const spare = state[4];
    this.spareNormal = typeof spare === 'number' && Number.isFinite(spare) ? spare : undefined;
  }

  /** Next 32 random bits as an unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1], so the log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [low, high). */
  integer(low: number, high: number): number {
    const span = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || span <= 0 || span > 2 ** 32) {
      throw new Error(`randint: need integers low < high with high - low ≤ 2^32, got [${low}, ${high})`);
    }
    // Rejection sampling removes the modulo bias.
    const limit = 2 ** 32 - (2 ** 32 % span);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return low + (x % span);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const defaultGenerator = new Generator(0);

/** Reseeds the default generator (PyTorch's torch.manual_seed). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** The generator random ops draw from when given neither `seed` nor `generator`. */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

/** Where a random op draws its numbers from: a one-off `seed`, a `generator`, or neither (the default generator). */
export interface RandomOptions {
  /** A fresh generator seeded with this value for this call only. */
  seed?: number;
  /** Draw from this generator (advancing it). */
  generator?: Generator;
}

/** The generator a call should draw from. */
export function resolveGenerator(op: string, opts: RandomOptions = {}): Generator {
  if (opts.seed !== undefined && opts.generator) throw new Error(`${op}: give either seed or generator, not both`);
  if (opts.seed !== undefined) return new Generator(opts.seed);
  return opts.generator ?? defaultGenerator;
}
