/**
 * gpu.js renders a kernel call whose input is the kernel's own last output into a texture it
 * remembered from an earlier such call, once nothing else holds that one (a tidy freed it). That
 * texture has the size of the call that left it: after the kernel was resized for another
 * element count, the result came out wrong, silently (found through AdamW on the gpu, whose
 * parameters have different sizes). The device forgets those textures when it resizes a kernel.
 */
import { describe, expect, it } from 'vitest';
import { keep, tidy } from '../memory.js';
import { tensor } from '../ops/create.js';
import { backends } from '../testing/backends.js';
import { gpuMemory } from './index.js';

describe.skipIf(!backends.includes('gpu'))('gpu kernels reused across sizes inside tidy', () => {
  it('a chain of the same op on alternating sizes computes the right values, and leaks nothing', () => {
    const make = (n: number) => tensor(Array.from({ length: n }, (_, i) => (i % 7) - 3), { backend: 'gpu' });
    const inputs = [make(256), make(32), make(256), make(5), make(32)];
    const before = gpuMemory();
    for (let round = 0; round < 3; round++) {
      for (const x of inputs) {
        // x·x·x·x: each mul's input is the mul kernel's own previous output.
        const r = tidy(() => keep(x.mul(x).mul(x).mul(x)));
        expect(Array.from(r.dataSync()), `${x.size} elements, round ${round}`).toEqual(Array.from(x.dataSync(), (v) => v ** 4));
        r.dispose();
      }
    }
    // Textures the kernels hold for reuse are bounded: the same after another round.
    const after = gpuMemory();
    for (const x of inputs) tidy(() => x.mul(x).mul(x).mul(x).dataSync());
    expect(gpuMemory()).toEqual(after);
    expect(after.storages).toBe(before.storages);
    for (const x of inputs) x.dispose();
  });
});
