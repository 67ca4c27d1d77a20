// %% [markdown]
// # 05 · CLIP: one space for images and captions
//
// CLIP trains an image encoder and a text encoder together so that a picture and its caption land
// close together in one embedding space, and unrelated pairs far apart. It never predicts a
// caption word by word: it only has to pick, for each image of a batch, which of the batch's
// captions is its own. This notebook shows the loss that does that (InfoNCE, "ITC"), what the
// temperature does, and a tiny CLIP learning on a toy problem, with its similarity matrix as a
// picture. Run with `npx -y pnpm@12.4.2 example examples/05-clip.ts`.

// %%
import { Variable, crossEntropy, noGrad } from '@glimpse/autograd';
import { CLIPModel, clipLoss, l2Normalize } from '@glimpse/models';
import { AdamW, clampLogitScale, weightDecayGroups } from '@glimpse/train';
import { Generator, arange, concat, randn, tensor, type Tensor } from '@glimpse/tensor';
import { heat, panels, savePng } from './lib/pictures.js';

// %% [markdown]
// ## The loss, by hand
// Take N image embeddings I and N text embeddings T, each L2-normalised, so I·Tᵀ holds cosine
// similarities. Row i of `logits = scale · I·Tᵀ` scores image i against every caption; the right
// answer is caption i. So each row is an N-way classification with target i, and so is each
// column (a caption choosing among images):
//
//     loss = ( CE(logits, 0..N-1) + CE(logitsᵀ, 0..N-1) ) / 2

// %%
const N = 4;
const unit = (t: Tensor) => l2Normalize(new Variable(t)).data;
const images = unit(randn([N, 8], { seed: 1 }));
const aligned = unit(images.add(randn([N, 8], { seed: 2 }).mul(0.3))); // captions near their image
const shuffled = unit(randn([N, 8], { seed: 3 }));
const targets = arange(N);
for (const [name, texts] of [['matching captions', aligned], ['random captions', shuffled]] as const) {
  const logits = new Variable(images.matmul(texts.transpose()).mul(100));
  const byHand = crossEntropy(logits, targets).add(crossEntropy(logits.transpose(), targets)).div(2).item();
  console.log(`${name}: clipLoss ${clipLoss(logits).item().toFixed(4)} (by hand ${byHand.toFixed(4)}), chance level ln N = ${Math.log(N).toFixed(4)}`);
}

// %% [markdown]
// ## The temperature
// Cosines live in [-1, 1]; a softmax over such small numbers is nearly uniform and the loss could
// never get confident. CLIP multiplies by `exp(logit_scale)`, a learned inverse temperature that
// starts at 1/0.07 ≈ 14.3 and is clamped at 100. Higher scale = sharper softmax.

// %%
const row = tensor([0.3, 0.2, 0.1, -0.1]); // one image's cosines with 4 captions; caption 0 is right
for (const scale of [1, 14.3, 100]) {
  const p = row.mul(scale).softmax(-1).toArray() as number[];
  console.log(`scale ${String(scale).padStart(5)}: p(right caption) = ${p[0]!.toFixed(3)}, softmax ${p.map((x) => x.toFixed(3)).join(' ')}`);
}

// %% [markdown]
// ## A tiny CLIP on a toy world
// Eight "classes". An image of class c is an 8×8 picture whose colour depends on c (plus noise);
// its caption is the single word c. The model must discover which colour goes with which word —
// nothing tells it except which pairs come together in a batch.

// %%
const classes = 8;
const model = CLIPModel.create({
  projection_dim: 16,
  text_config: { vocab_size: classes + 3, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 3, bos_token_id: classes + 1, eos_token_id: classes + 2 },
  vision_config: { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4 },
}, { seed: 0 });
const palette = randn([classes, 3, 1, 1], { seed: 10 });
const g = new Generator(11);
function batch(labels: number[]) {
  const ids = tensor(labels.map((c) => [classes + 1, c, classes + 2]), { dtype: 'int32' });
  const pixels = concat(labels.map((c) => palette.narrow(0, c, 1).expand([1, 3, 8, 8]).add(randn([1, 3, 8, 8], { generator: g }).mul(0.5))), 0);
  return { pixelValues: pixels, inputIds: ids };
}
const everyClass = batch([...Array(classes).keys()]);
const similarity = () => noGrad(() => model.forward(everyClass).logitsPerImage.data.softmax(-1));
const before = similarity();

const optimizer = new AdamW(weightDecayGroups(model, 0.1), { lr: 3e-3 });
for (let step = 1; step <= 150; step++) {
  const labels = Array.from({ length: 8 }, () => g.integer(0, classes));
  // Repeated labels in a batch are false negatives for a contrastive loss; keep them distinct.
  const distinct = [...new Set(labels)];
  const { loss } = model.forward({ ...batch(distinct), returnLoss: true });
  optimizer.zeroGrad();
  loss!.backward();
  optimizer.step();
  clampLogitScale(model.logit_scale);
  if (step % 30 === 0) console.log(`step ${step}: loss ${loss!.item().toFixed(4)}, scale ${Math.exp(model.logit_scale.item()).toFixed(1)}`);
}
const after = similarity();
const accuracy = (after.argmax(1).eq(arange(classes)).to('float32').mean().item() * 100).toFixed(0);
console.log(`each image picks its own caption: ${accuracy}% after training`);

// %% [markdown]
// The picture: softmax(image · captionᵀ) rows for the 8 classes, before (left) and after (right)
// training. A bright diagonal means every image picks its own caption.

// %%
console.log('wrote', savePng('05-clip-similarity.png', panels([heat(before), heat(after)], 24)));
