/**
 * Learning-rate schedules as plain functions of the step (0-based), to be applied with
 * `optimizer.setLr(schedule(step))` before each step.
 */
export type Schedule = (step: number) => number;

/** The same rate every step. */
export const constant = (lr: number): Schedule => () => lr;

/**
 * Linear warm-up from `startLr` (default 0) to `lr` over `warmupSteps`, then cosine decay to
 * `minLr` at `totalSteps` (open_clip's schedule).
 */
export function warmupCosine(opts: { lr: number; warmupSteps: number; totalSteps: number; minLr?: number; startLr?: number }): Schedule {
  const { lr, warmupSteps, totalSteps, minLr = 0, startLr = 0 } = opts;
  if (!(totalSteps > 0 && warmupSteps >= 0 && warmupSteps <= totalSteps)) {
    throw new Error(`warmupCosine: need 0 ≤ warmupSteps (${warmupSteps}) ≤ totalSteps (${totalSteps}), totalSteps > 0`);
  }
  return (step) => {
    if (step < warmupSteps) return startLr + ((lr - startLr) * (step + 1)) / warmupSteps;
    const progress = Math.min((step - warmupSteps) / Math.max(totalSteps - warmupSteps, 1), 1);
    return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

/**
 * BLIP pre-training: linear warm-up from `startLr` (1e-6) to `lr` over `warmupSteps`, then the
 * rate of epoch e is lr·decay^e (×0.9 per epoch), never below `minLr`.
 */
export function warmupStepDecay(opts: { lr: number; warmupSteps: number; stepsPerEpoch: number; decay?: number; startLr?: number; minLr?: number }): Schedule {
  const { lr, warmupSteps, stepsPerEpoch, decay = 0.9, startLr = 1e-6, minLr = 0 } = opts;
  if (!(stepsPerEpoch > 0)) throw new Error(`warmupStepDecay: stepsPerEpoch must be > 0, got ${stepsPerEpoch}`);
  return (step) => {
    if (step < warmupSteps) return startLr + ((lr - startLr) * step) / warmupSteps;
    return Math.max(lr * decay ** Math.floor(step / stepsPerEpoch), minLr);
  };
}
