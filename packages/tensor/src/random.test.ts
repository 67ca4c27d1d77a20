import { describe, expect, it } from 'vitest';
import { rand, randint, randn } from './ops/create.js';
import { Generator, getDefaultGenerator, manualSeed } from './random.js';
import { backends, expectExact, stored } from './testing/backends.js';

const take = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('Generator', () => {
  it('implements xoshiro128** (reference outputs from state [1, 2, 3, 4])', () => {
    const g = new Generator();
    g.setState([1, 2, 3, 4, NaN]);
    expect(take(6, () => g.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('gives equal streams for equal seeds and different ones for different seeds', () => {
    const a = take(8, () => new Generator(42).nextUint32());
    expect(take(8, () => new Generator(42).nextUint32())).toEqual(a);
    const g1 = new Generator(42);
    const g2 = new Generator(42);
    expect(take(100, () => g1.nextUint32())).toEqual(take(100, () => g2.nextUint32()));
    const streams = [0, 1, 2, -1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER].map((s) => {
      const g = new Generator(s);
      return take(4, () => g.nextUint32()).join(',');
    });
    expect(new Set(streams).size).toBe(streams.length);
  });

  it('manualSeed restarts the stream and drops a cached normal', () => {
    const g = new Generator(7);
    const first = take(5, () => g.normal());
    g.normal(); // leaves a spare
    expect(g.manualSeed(7)).toBe(g);
    expect(take(5, () => g.normal())).toEqual(first);
    expect(() => g.manualSeed(1.5)).toThrow('manualSeed: seed must be a safe integer, got 1.5');
    expect(() => new Generator(2 ** 60)).toThrow('manualSeed: seed must be a safe integer');
  });

  it('getState/setState resume a stream bit for bit, with or without a cached normal', () => {
    for (const warmup of [0, 1]) {
      const g = new Generator(3);
      take(warmup, () => g.normal()); // 1 draw leaves the pair's second value cached
      const state = g.getState();
      expect(state).toHaveLength(5);
      const ahead = [g.normal(), g.normal(), g.uniform(), g.nextUint32(), g.integer(0, 10)];
      g.setState(state);
      expect([g.normal(), g.normal(), g.uniform(), g.nextUint32(), g.integer(0, 10)]).toEqual(ahead);
      // through JSON (NaN becomes null there), as a checkpoint would store it
      const h = new Generator(99);
      h.setState(JSON.parse(JSON.stringify(state)) as (number | null)[]);
      expect([h.normal(), h.normal(), h.uniform(), h.nextUint32(), h.integer(0, 10)]).toEqual(ahead);
    }
  });

  it('setState rejects malformed states', () => {
    const g = new Generator();
    expect(() => g.setState([1, 2, 3, 4])).toThrow('Generator.setState: expected 5 numbers, got 4');
    expect(() => g.setState([1, 2, 3, 2 ** 32, NaN])).toThrow('Generator.setState: the first 4 entries must be uint32 state words');
    expect(() => g.setState([0, 0, 0, 0, NaN])).toThrow('not all zero');
  });

  it('uniform lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const g = new Generator(11);
    const n = 100_000;
    const xs = take(n, () => g.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n)); // 4 standard errors
    expect(Math.abs(v - 1 / 12)).toBeLessThan(4 * Math.sqrt(1 / 180 / n));
  });

  it('normal has mean 0, variance 1 and 68.3% within one sigma', () => {
    const g = new Generator(12);
    const n = 100_000;
    const xs = take(n, () => g.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const within = xs.filter((x) => Math.abs(x) < 1).length / n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(within - 0.6826894921370859)).toBeLessThan(4 * Math.sqrt((0.6827 * 0.3173) / n));
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('integer is uniform over [low, high) and validates its range', () => {
    const g = new Generator(13);
    const counts = new Map<number, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const v = g.integer(-2, 4);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - n / 6)).toBeLessThan(4 * Math.sqrt((n * 5) / 36));
    expect(g.integer(5, 6)).toBe(5);
    expect(() => g.integer(3, 3)).toThrow('randint: need integers low < high with high - low ≤ 2^32, got [3, 3)');
    expect(() => g.integer(0, 1.5)).toThrow('randint: need integers low < high');
    expect(() => g.integer(0, 2 ** 32 + 1)).toThrow('randint: need integers low < high with high - low ≤ 2^32');
  });
});

describe('the default generator and per-call options', () => {
  it('manualSeed reseeds the one default generator in place (like torch.manual_seed)', () => {
    const g = getDefaultGenerator();
    expect(manualSeed(5)).toBe(g);
    expect(getDefaultGenerator()).toBe(g);
    const a = g.nextUint32();
    manualSeed(5);
    expect(g.nextUint32()).toBe(a);
  });

  it('a seed reproduces the default stream, and consecutive calls continue it', () => {
    manualSeed(5);
    const first = Array.from(randn([4]).dataSync());
    const second = Array.from(randn([4]).dataSync());
    expect(first).toEqual(Array.from(randn([4], { seed: 5 }).dataSync()));
    expect([...first, ...second]).toEqual(Array.from(randn([8], { seed: 5 }).dataSync()));
    expect(second).not.toEqual(first);
  });

  it('{ seed } uses a fresh generator and leaves the default one alone', () => {
    manualSeed(1);
    const a = Array.from(rand([3]).dataSync());
    manualSeed(1);
    rand([2], { seed: 9 });
    expect(Array.from(rand([3]).dataSync())).toEqual(a);
    expect(Array.from(rand([3], { seed: 2 }).dataSync())).not.toEqual(Array.from(rand([3], { seed: 3 }).dataSync()));
  });

  it('{ generator } draws from (and advances) that generator only', () => {
    const g = new Generator(21);
    const h = new Generator(21);
    manualSeed(1);
    const fromDefault = Array.from(rand([3]).dataSync());
    manualSeed(1);
    const x = randn([3], { generator: g });
    const y = randn([3], { generator: g });
    expect(Array.from(x.dataSync())).toEqual(Array.from(randn([3], { generator: h }).dataSync()));
    expect(Array.from(y.dataSync())).toEqual(Array.from(randn([3], { generator: h }).dataSync()));
    expect(Array.from(rand([3]).dataSync())).toEqual(fromDefault);
    expect(() => rand([1], { seed: 1, generator: g })).toThrow('rand: give either seed or generator, not both');
    expect(() => randn([1], { seed: 1, generator: g })).toThrow('randn: give either seed or generator, not both');
  });
});

describe.each(backends)('random tensors on %s', (backend) => {
  it('draw the same numbers on every backend for a seed', () => {
    expect(Array.from(randn([5], { seed: 4, backend }).dataSync())).toEqual(Array.from(randn([5], { seed: 4, backend: 'cpu' }).dataSync()));
    const onCpu = Array.from(rand([5], { seed: 4, backend: 'cpu', dtype: 'float64' }).dataSync());
    expect(Array.from(rand([5], { seed: 4, backend, dtype: 'float64' }).dataSync())).toEqual(onCpu.map((v) => stored(v, 'float64', backend)));
  });

  it('rand: float32 draws are multiples of 2^-24 in [0, 1); float64 use 53 bits', () => {
    const u = Array.from(rand([20_000], { seed: 8, backend }).dataSync());
    expect(u.every((v) => v >= 0 && v < 1 && Number.isInteger(v * 2 ** 24))).toBe(true);
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / u.length));
    const d = Array.from(rand([1000], { seed: 8, backend, dtype: 'float64' }).dataSync());
    expect(d.some((v) => !Number.isInteger(v * 2 ** 24))).toBe(true);
    expect(d.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('randn: float32 values are the float64 draws rounded', () => {
    const f64 = Array.from(randn([6], { seed: 3, backend, dtype: 'float64' }).dataSync());
    expect(Array.from(randn([6], { seed: 3, backend }).dataSync())).toEqual(f64.map(Math.fround));
    const big = Array.from(randn([100_000], { seed: 3, backend, dtype: 'float64' }).dataSync());
    const mean = big.reduce((a, b) => a + b, 0) / big.length;
    const v = big.reduce((a, b) => a + (b - mean) ** 2, 0) / big.length;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(big.length));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / big.length));
  });

  it('randint: int32 values in [low, high)', () => {
    const r = randint(-3, 3, [2000], { seed: 6, backend });
    const vals = Array.from(r.dataSync());
    expect(r.dtype).toBe('int32');
    expect(Math.min(...vals)).toBe(-3);
    expect(Math.max(...vals)).toBe(2);
    expectExact(randint(7, 8, [3], { seed: 6, backend }), [7, 7, 7]);
    expect(randint(0, 2, [4], { seed: 6, backend, dtype: 'float32' }).dtype).toBe('float32');
  });
});
