import { describe, expect, it } from 'vitest';
import { backends, expectClose, maker, stridedVariants } from '../testing/backends.js';
import { gelu, layerNorm, logSoftmax, quickGelu, softmax, standardize } from './activation.js';
import { arange, zeros } from './create.js';

const FLOATS = ['float32', 'float64'] as const;
const XS = [-3, -1, -0.5, 0, 0.5, 1, 2, 3];

describe.each(backends)('activations on %s', (backend) => {
  const t = maker(backend);

  describe.each(FLOATS)('in %s', (dtype) => {
    // float32 rounds erf/tanh before the 1 + … so the error is ~1 ulp of 1, absolute.
    const tolG = dtype === 'float32' ? { atol: 2e-7 } : {};

    it('gelu (exact erf form) matches x·Φ(x)', () => {
      const want = [-0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656, 0.8413447460685429, 1.9544997361036416, 2.99595030590511];
      const y = gelu(t(XS, dtype));
      expect(y.dtype).toBe(dtype);
      expectClose(y, want, tolG);
      expectClose(gelu(t([Infinity, -Infinity, NaN], dtype)), [Infinity, NaN, NaN]); // -inf · (1 + erf(-inf)) = -inf · 0
    });

    it("gelu(x, 'tanh') matches the tanh approximation (HF gelu_new)", () => {
      const want = [-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768, 1.954597694087775, 2.996362607918227];
      expectClose(gelu(t(XS, dtype), 'tanh'), want, tolG);
    });

    it('quickGelu is x·sigmoid(1.702x)', () => {
      const want = [-0.01807130970778597, -0.1542042340671787, -0.1496115633936199, 0, 0.35038843660638014, 0.8457957659328212, 1.9356586231442083, 2.981928690292214];
      expectClose(quickGelu(t(XS, dtype)), want, tolG);
    });

    it('softmax normalises along the last axis by default, or any axis', () => {
      const x = t([[1, 2, 3], [0.5, -1.25, 2]], dtype);
      const y = softmax(x);
      expect(y.dtype).toBe(dtype);
      expectClose(y.select(0, 0), [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]);
      expectClose(y.sum(-1), [1, 1]);
      const s0 = softmax(x, 0);
      expectClose(s0.sum(0), [1, 1, 1]);
      expectClose(s0.select(1, 1), [1 / (1 + Math.exp(-3.25)), 1 / (1 + Math.exp(3.25))]);
      expectClose(softmax(t([0.5, -1.25, 2, 3], dtype)), [0.05606023164143659, 0.009741807523077857, 0.25124452742804654, 0.682953433407439]);
    });

    it('softmax is shift-invariant and does not overflow', () => {
      expectClose(softmax(t([1000, 1001], dtype)), [0.2689414213699951, 0.7310585786300049]);
      expectClose(softmax(t([-1000, -1001], dtype)), [0.7310585786300049, 0.2689414213699951]);
      expectClose(logSoftmax(t([1000, 1001], dtype)), [-1.3132616875182228, -0.31326168751822286]);
    });

    it('softmax gives 0 for -inf entries and NaN for an all -inf row (as PyTorch)', () => {
      const x = t([[0, -Infinity, 0], [-Infinity, -Infinity, -Infinity], [1, Infinity, 0]], dtype);
      expectClose(softmax(x), [[0.5, 0, 0.5], [NaN, NaN, NaN], [NaN, NaN, NaN]]);
      expectClose(logSoftmax(x).select(0, 0), [-Math.LN2, -Infinity, -Math.LN2]);
      expectClose(logSoftmax(x).select(0, 1), [NaN, NaN, NaN]);
    });

    it('logSoftmax is x - logsumexp(x), accurate where log(softmax) would underflow', () => {
      expectClose(logSoftmax(t([1, 2, 3], dtype)), [-2.40760596444438, -1.40760596444438, -0.40760596444438]);
      expectClose(logSoftmax(t([0, -200], dtype)), [-Math.exp(-200), -200], { rtol: 1e-6 });
      expectClose(logSoftmax(t([[1, 3], [2, 4]], dtype), 0), [[-1.3132616875182228, -1.3132616875182228], [-0.31326168751822286, -0.31326168751822286]]);
    });

    it('softmax and logSoftmax read transposed, stepped and offset views', () => {
      const base = t([[1, 2, 3], [0.5, -1.25, 2]], dtype);
      const want = softmax(base);
      const wantLog = logSoftmax(base, 0);
      for (const [, x] of stridedVariants(base)) {
        expectClose(softmax(x), want);
        expectClose(logSoftmax(x, 0), wantLog);
      }
      expectClose(softmax(t([[1, 2]], dtype).expand([3, 2])), Array(3).fill([0.2689414213699951, 0.7310585786300049]));
    });

    it('softmax of a 0-d tensor is 1 and of an empty dim is empty', () => {
      expectClose(softmax(t(7, dtype)), 1);
      expectClose(logSoftmax(t(7, dtype)), 0);
      expect(softmax(zeros([2, 0], { backend, dtype })).shape).toEqual([2, 0]);
      expect(logSoftmax(zeros([2, 0], { backend, dtype }), 1).shape).toEqual([2, 0]);
      expect(softmax(zeros([0, 3], { backend, dtype })).shape).toEqual([0, 3]);
    });

    it('layerNorm normalises the trailing dims with biased variance and eps 1e-5', () => {
      const x = t([[1, 2, 3, 4], [2, 4, 6, 8]], dtype);
      expectClose(layerNorm(x, [4]), [
        [-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269],
        [-1.3416394448610998, -0.4472131482870333, 0.4472131482870333, 1.3416394448610998],
      ]);
      const both = layerNorm(x, [2, 4]);
      expectClose(both.reshape([8]), [-1.2701692373707127, -0.8082895146904536, -0.3464097920101944, 0.11546993067006481, -0.8082895146904536, 0.11546993067006481, 1.0392293760305833, 1.9629888213911018]);
      expectClose(layerNorm(t([[3, 3]], dtype), [2]), [[0, 0]]); // constant rows: 0/sqrt(eps)
      expectClose(layerNorm(t([1, 3], dtype), [2], undefined, undefined, 0), [-1, 1]);
    });

    it('layerNorm applies weight and bias element-wise', () => {
      const x = t([[1, 2, 3, 4]], dtype);
      const w = t([1, 2, 0, -1], dtype);
      const b = t([0, 1, 5, 0.5], dtype);
      const n = [-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269];
      expectClose(layerNorm(x, [4], w, b), [[n[0]!, 2 * n[1]! + 1, 5, 0.5 - n[3]!]]);
      expectClose(layerNorm(x, [4], w), [[n[0]!, 2 * n[1]!, 0, -n[3]!]]);
      // a transposed input normalises its logical rows
      const xt = t([[1, 2], [2, 4], [3, 6], [4, 8]], dtype).transpose();
      expectClose(layerNorm(xt, [4]).select(0, 0), n);
    });

    it('standardize returns x̂ and the reciprocal std it used', () => {
      const { xhat, rstd } = standardize(t([[1, 3], [2, 6]], dtype), [1], 0);
      expectClose(xhat, [[-1, 1], [-1, 1]]);
      expectClose(rstd, [[1], [0.5]]);
    });
  });

  it('layerNorm names the shapes when they do not match', () => {
    const x = arange(6, { dtype: 'float32', backend }).reshape([2, 3]);
    expect(() => layerNorm(x, [2])).toThrow('layerNorm: normalizedShape [2] does not match the trailing dims of [2,3]');
    expect(() => layerNorm(x, [1, 2, 3])).toThrow('layerNorm: normalizedShape [1,2,3] does not match the trailing dims of [2,3]');
    expect(() => layerNorm(x, [])).toThrow('layerNorm: normalizedShape [] does not match');
    expect(() => layerNorm(x, [3], t([1, 1]))).toThrow('layerNorm: weight has shape [2], expected [3]');
    expect(() => layerNorm(x, [3], undefined, t([[0, 0, 0]]))).toThrow('layerNorm: bias has shape [1,3], expected [3]');
  });

  it('refuses integer inputs, naming the op', () => {
    const i = t([1, 2], 'int32');
    expect(() => gelu(i)).toThrow('gelu: expected a float32 or float64 tensor, got int32 of shape [2]');
    expect(() => quickGelu(i)).toThrow('quickGelu: expected a float32 or float64 tensor');
    expect(() => softmax(i)).toThrow('softmax: expected a float32 or float64 tensor, got int32');
    expect(() => logSoftmax(t([true]))).toThrow('logSoftmax: expected a float32 or float64 tensor, got bool');
    expect(() => layerNorm(i, [2])).toThrow('layerNorm: expected a float32 or float64 tensor, got int32');
    expect(() => softmax(t([1, 2]), 1)).toThrow('softmax: axis 1 is out of range for a tensor of rank 1');
  });

  it('exposes the activations as Tensor methods', () => {
    const x = t([[1, 2, 3]], 'float64');
    expectClose(x.softmax(), [[0.09003057317038046, 0.24472847105479764, 0.6652409557748218]]);
    expectClose(x.logSoftmax(0), [[0, 0, 0]]);
    expectClose(x.gelu().select(0, 0).slice(0, 0, 1), [0.8413447460685429]);
    expectClose(x.quickGelu().select(0, 0).slice(0, 0, 1), [0.8457957659328212]);
  });
});
