// %% [markdown]
// # 06 · Zero-shot classification and retrieval with CLIP
//
// A trained CLIP can sort images into classes it was never trained to classify: write each class
// as a sentence ("a photo of a red shape"), embed the sentences, and pick the class whose
// embedding is closest to the image's. The same cosine similarities rank a gallery for a text
// query (retrieval). Here a tiny CLIP is trained for a minute on captioned pictures of coloured
// shapes ("a red circle left of a blue square"), then asked questions its captions never posed
// as labels. Run with `npx -y pnpm@12.4.2 example examples/06-zero-shot-and-retrieval.ts`.

// %%
import { noGrad } from '@glimpse/autograd';
import { DEFAULT_TEMPLATES, classEmbeddings, retrieve } from '@glimpse/models';
import { makeShapes, metaLabels, shapesDataset, topKAccuracy } from '@glimpse/train';
import { evaluateCLIP, retrievalGallery, textToImageRows, trainCLIPRecipe, writePng } from '@glimpse/train/node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// %% [markdown]
// ## Train a tiny CLIP on 1,500 captioned shapes (held-out: 300 others)

// %%
const train = shapesDataset(makeShapes({ count: 1500, seed: 1, size: 32 }), 'shapes-train');
const test = shapesDataset(makeShapes({ count: 300, seed: 2, size: 32 }), 'shapes-test');
const { model, tokenizer, processor } = await trainCLIPRecipe({
  train, outDir: join(tmpdir(), 'glimpse-06'), steps: 150, batchSize: 64, imageSize: 32, lr: 2e-3, log: () => {},
});
const batcher = { call: (t: readonly string[]) => tokenizer.call(t, { padding: 'longest', truncation: true, maxLength: 16 }) };
model.eval();

// %% [markdown]
// ## Zero-shot: which colour? which shape?
// Each held-out image is compared with one embedding per class. Prompt ensembling averages
// several phrasings of a class ("a photo of a {}.", "art of the {}.", …) after normalising each,
// which the CLIP paper found worth a few points of accuracy.

// %%
for (const key of ['color', 'shape'] as const) {
  const { classes, labels } = metaLabels(test, key);
  const images = noGrad(() => processor.process(test.images.map((img) => ('image' in img.ref ? img.ref.image : null)!)).pixelValues);
  const imageVectors = noGrad(() => {
    const f = model.getImageFeatures(images).data;
    return f.div(f.mul(f).sum(-1, true).sqrt());
  });
  for (const [name, templates] of [['one prompt "a {}"', ['a {}']], ['ensemble of 8 prompts', [...DEFAULT_TEMPLATES]]] as const) {
    const acc = topKAccuracy(imageVectors.matmul(classEmbeddings(model, batcher, classes, templates).transpose()), labels, { ks: [1] });
    console.log(`${key.padEnd(5)} (${classes.length} classes, chance ${(100 / classes.length).toFixed(0)}%): ${name}: top-1 ${(acc.accuracy[1]! * 100).toFixed(1)}%`);
  }
}

// %% [markdown]
// ## Retrieval: R@K over the whole test set, and a gallery
// Every test image against every test caption; R@K counts queries whose true match ranks in the
// top K.

// %%
const { metrics, scores, texts, textToImage } = evaluateCLIP(model, batcher, processor, test);
console.log(`text→image R@1 ${(metrics['t2i_R@1']! * 100).toFixed(1)}%  R@5 ${(metrics['t2i_R@5']! * 100).toFixed(1)}%  R@10 ${(metrics['t2i_R@10']! * 100).toFixed(1)}%  (chance R@10 ${(metrics['chance_t2i_R@10']! * 100).toFixed(1)}%)`);
const images = test.images.map((img) => ('image' in img.ref ? img.ref.image : null)!);
const rows = textToImageRows({ scores, texts, textToImage, images, queries: [0, 7, 21, 42, 99], k: 5 });
const path = join(new URL('./out/', import.meta.url).pathname, '06-retrieval.png');
writePng(path, retrievalGallery(rows, { title: 'text → image: top 5 (true image outlined)' }));
console.log('wrote', path);

// A free-form query no caption contains word for word:
const hits = retrieve(model, batcher, { texts: ['a green star'] }, { pixelValues: noGrad(() => processor.process(images).pixelValues) }, { topK: 3 });
console.log('"a green star" →', hits[0]!.map((h) => `${test.images[h.index]!.captions[0]} (${h.score.toFixed(2)})`).join(' | '));
