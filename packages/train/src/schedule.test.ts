import { describe, expect, it } from 'vitest';
import { constant, warmupCosine, warmupStepDecay } from './schedule.js';

describe('schedules', () => {
  it('warmupCosine rises linearly, peaks, and decays by a half cosine to minLr', () => {
    const s = warmupCosine({ lr: 1, warmupSteps: 4, totalSteps: 14, minLr: 0.1 });
    expect([0, 1, 2, 3].map(s)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(s(4)).toBeCloseTo(1, 12);
    expect(s(9)).toBeCloseTo(0.1 + 0.45, 12); // halfway: the cosine is at 0
    expect(s(14)).toBeCloseTo(0.1, 12);
    expect(s(100)).toBeCloseTo(0.1, 12);
    expect(() => warmupCosine({ lr: 1, warmupSteps: 5, totalSteps: 4 })).toThrow(/warmupSteps \(5\) ≤ totalSteps \(4\)/);
  });

  it('warmupStepDecay is BLIP’s: warm-up from 1e-6, then ×0.9 per epoch', () => {
    const s = warmupStepDecay({ lr: 3e-4, warmupSteps: 10, stepsPerEpoch: 100 });
    expect(s(0)).toBeCloseTo(1e-6, 12);
    expect(s(5)).toBeCloseTo(1e-6 + (3e-4 - 1e-6) / 2, 12);
    expect(s(50)).toBeCloseTo(3e-4, 12);
    expect(s(150)).toBeCloseTo(2.7e-4, 12);
    expect(s(250)).toBeCloseTo(3e-4 * 0.81, 12);
  });

  it('constant is constant', () => expect([0, 10, 1e6].map(constant(0.3))).toEqual([0.3, 0.3, 0.3]));
});
