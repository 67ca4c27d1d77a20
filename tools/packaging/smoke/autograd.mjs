// @glimpse/autograd from its packed tarball: the gradient of sum((x·w)²) against the formula.
import { Variable } from '@glimpse/autograd';
import { tensor } from '@glimpse/tensor';
import { checkClose, refMatmul } from './check.mjs';

export default function smokeAutograd() {
  const xv = [1, 2, 3, 4, 5, 6]; // [2,3]
  const wv = [0.5, -1, 2, 0, -0.25, 1.5]; // [3,2]
  const x = new Variable(tensor(xv, { shape: [2, 3], dtype: 'float64' }), { requiresGrad: true });
  const w = new Variable(tensor(wv, { shape: [3, 2], dtype: 'float64' }), { requiresGrad: true });
  const y = x.matmul(w);
  const loss = y.mul(y).sum();
  loss.backward();

  // ∂/∂w sum((xw)²) = xᵀ·2xw and ∂/∂x = 2xw·wᵀ.
  const twoY = refMatmul(xv, wv, 2, 3, 2).map((v) => 2 * v);
  const xT = [xv[0], xv[3], xv[1], xv[4], xv[2], xv[5]];
  const wT = [wv[0], wv[2], wv[4], wv[1], wv[3], wv[5]];
  const expectedLoss = twoY.reduce((s, v) => s + (v / 2) ** 2, 0);
  checkClose([loss.item()], [expectedLoss], 'loss', 1e-12);
  const gradW = checkClose(w.grad.dataSync(), refMatmul(xT, twoY, 3, 2, 2), '∂loss/∂w', 1e-12);
  const gradX = checkClose(x.grad.dataSync(), refMatmul(twoY, wT, 2, 2, 3), '∂loss/∂x', 1e-12);
  return { loss: loss.item(), gradW, gradX };
}
