// @glimpse/train from its packed tarball: one SGD step equals p − lr·∂loss/∂p, and a few hundred
// steps fit a Linear to a known linear map.
import { Variable } from '@glimpse/autograd';
import { Linear } from '@glimpse/models';
import { SGD } from '@glimpse/train';
import { Generator, tensor } from '@glimpse/tensor';
import { check, checkClose } from './check.mjs';

export default function smokeTrain() {
  const model = new Linear(3, 1, { generator: new Generator(0) });
  const x = new Variable(tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]));
  const y = new Variable(tensor([[1.3], [-1.7], [0.8], [-0.2]])); // x·[1, −2, 0.5]ᵀ + 0.3
  const lossOf = () => {
    const err = model.forward(x).sub(y);
    return err.mul(err).mean();
  };
  const opt = new SGD(model.parameters(), { lr: 0.1 });

  const before = Array.from(model.weight.data.dataSync());
  const first = lossOf();
  first.backward();
  const grad = Array.from(model.weight.grad.dataSync());
  opt.step();
  checkClose(model.weight.data.dataSync(), before.map((w, i) => w - 0.1 * grad[i]), 'one SGD step');

  let loss = first.item();
  for (let step = 0; step < 300; step++) {
    opt.zeroGrad();
    const l = lossOf();
    l.backward();
    opt.step();
    loss = l.item();
  }
  check(loss < 1e-4 && loss < first.item(), `SGD did not fit: loss ${first.item()} → ${loss}`);
  const weight = checkClose(model.weight.data.dataSync(), [1, -2, 0.5], 'fitted weight', 1e-2);
  checkClose(model.bias.data.dataSync(), [0.3], 'fitted bias', 1e-2);
  return { firstLoss: first.item(), weight };
}
