// @glimpse/tensor from its packed tarball: a matmul, a broadcast and a safetensors round trip.
import { matmul, parseSafetensors, randn, serializeSafetensors, tensor } from '@glimpse/tensor';
import { check, checkClose, refMatmul } from './check.mjs';

export default function smokeTensor() {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const b = tensor([[7, 8], [9, 10], [11, 12]]);
  const c = matmul(a, b);
  check(c.dtype === 'float32' && c.shape.join() === '2,2', `matmul shape/dtype: [${c.shape}] ${c.dtype}`);
  const matmulValues = checkClose(c.dataSync(), [58, 64, 139, 154], 'matmul [2,3]·[3,2]');

  // A random one against a plain-JS reference, and a broadcast add on a transposed view.
  const x = randn([3, 4], { seed: 1, dtype: 'float64' });
  const w = randn([4, 5], { seed: 2, dtype: 'float64' });
  checkClose(matmul(x, w).dataSync(), refMatmul(Array.from(x.dataSync()), Array.from(w.dataSync()), 3, 4, 5), 'randn matmul', 1e-12);
  checkClose(c.transpose().add(tensor([100, 200])).dataSync(), [158, 339, 164, 354], 'transpose + broadcast add');

  const bytes = serializeSafetensors({ c });
  const back = parseSafetensors(bytes).tensors['c'];
  checkClose(back.dataSync(), matmulValues, 'safetensors round trip');
  return { matmul: matmulValues, safetensorsBytes: bytes.length };
}
