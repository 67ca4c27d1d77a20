// @glimpse/models/node (the Node-only entry) from its packed tarball: save a Linear's state
// dict to a .safetensors file, load it into a fresh Linear, and get the same forward; and a tiny
// CLIP through savePretrained / fromPretrained (local files).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Variable } from '@glimpse/autograd';
import { CLIPModel, Linear } from '@glimpse/models';
import { loadSafetensors, saveSafetensors } from '@glimpse/models/node';
import { Generator, tensor } from '@glimpse/tensor';
import { checkClose } from './check.mjs';
import { TINY_CLIP, tinyClipInputs } from './models.mjs';

export default async function smokeModelsNode() {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-smoke-'));
  try {
    const layer = new Linear(4, 3, { generator: new Generator(7) });
    const x = new Variable(tensor([[1, 2, 3, 4]]));
    const file = join(dir, 'linear.safetensors');
    saveSafetensors(file, layer.stateDict());
    const fresh = new Linear(4, 3, { generator: new Generator(8) });
    fresh.loadStateDict(loadSafetensors(file));
    const out = checkClose(fresh.forward(x).data.dataSync(), Array.from(layer.forward(x).data.dataSync()), 'forward after save/load', 0);

    const clip = CLIPModel.create(TINY_CLIP, { seed: 2 });
    await clip.savePretrained(join(dir, 'tiny-clip'));
    const loaded = await CLIPModel.fromPretrained(join(dir, 'tiny-clip'));
    const inputs = tinyClipInputs();
    const logits = checkClose(loaded.forward(inputs).logitsPerImage.data.dataSync(), Array.from(clip.forward(inputs).logitsPerImage.data.dataSync()), 'CLIP after savePretrained/fromPretrained', 0);
    return { linear: out, clipLogits: logits };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
