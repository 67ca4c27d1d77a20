import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { randn } from '@glimpse/tensor';
import { Parameter, type Variable } from './index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('graph memory', () => {
  it('backward releases the graph: 1000 forward/backward steps keep the heap flat', async () => {
    const x = randn([64, 64], { dtype: 'float64', seed: 1 });
    const w = new Parameter(randn([64, 64], { dtype: 'float64', seed: 2 }));
    let intermediate: WeakRef<Variable> | undefined;
    let heapAt100 = 0;
    for (let step = 0; step < 1000; step++) {
      const hidden = w.matmul(x).relu();
      const loss = hidden.mul(hidden).mean();
      loss.backward();
      expect(loss.inputs).toHaveLength(0); // the graph is gone
      w.zeroGrad();
      if (step === 100) {
        intermediate = new WeakRef(hidden);
        gc();
        heapAt100 = process.memoryUsage().heapUsed;
      }
    }
    // A WeakRef's target stays alive until the current job ends, so let the job end first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    const growth = process.memoryUsage().heapUsed - heapAt100;
    expect(intermediate!.deref()).toBeUndefined();
    // Each step allocates ~100 KB of tensors; a leaked graph would grow by ~90 MB over 900 steps.
    expect(growth).toBeLessThan(4 * 1024 * 1024);
  });
});
