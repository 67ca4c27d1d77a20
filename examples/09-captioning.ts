// %% [markdown]
// # 09 · Captioning: greedy, beam search, nucleus sampling
//
// A captioner is a language model that looks at an image while it writes. BLIP's decoder reads
// the image tokens through cross-attention and predicts the next word of the caption, one at a
// time; *how* we turn those next-word distributions into a caption is a choice of its own:
//  - **greedy**: always take the most likely next word. Fast, but a locally best word can lead to
//    a worse caption overall.
//  - **beam search**: keep the k best partial captions (beams) at every step and return the best
//    finished one. BLIP evaluates COCO captions with 3 beams, max 20 and min 5 tokens.
//  - **nucleus sampling**: draw the next word at random from the smallest set of words holding
//    90% of the probability (top-p 0.9). Different draws give different captions; BLIP's CapFilt
//    uses it to write diverse synthetic captions.
// Every caption starts from [DEC] and the prompt "a picture of ", and the prompt is cut from the
// result. Here a tiny BLIP learns a toy world of coloured balls in about a minute, whose captions
// are ambiguous on purpose, so the three methods disagree in instructive ways.
// Run with `npx -y pnpm@12.4.2 example examples/09-captioning.ts`; the picture goes to `examples/out/`.

// %%
import { BertTokenizer, BlipForConditionalGeneration, captionWithDetails, lmLabels, promptIds, withFirstToken, type CaptionOptions } from '@glimpse/models';
import { AdamW, weightDecayGroups } from '@glimpse/train';
import { Generator, fromArray, type Tensor } from '@glimpse/tensor';
import { PNG } from 'pngjs';
import { savePng, type RGB } from './lib/pictures.js';
import { drawText, textWidth } from './lib/text.js';

const started = Date.now();

// %% [markdown]
// ## A toy world with ambiguous captions
// Each 16×16 image shows one ball, in one of four colours, small or big, lying on grass, sand or
// snow. Its caption is written in one of three ways, at random:
//
//     40%  "a big red ball on the grass"
//     35%  "a red ball on the grass"
//     25%  "a red ball"
//
// A model that learns this world well puts 60% on a colour word right after "a" (templates 2 and
// 3) and 40% on a size word. Greedy search takes the colour, and ends with "a red ball on the
// grass" (35%); the single most likely caption is the long one (40%). Beam search can find it.

// %%
const COLOURS: Record<string, RGB> = { red: [210, 40, 40], blue: [40, 70, 210], black: [25, 25, 25], purple: [140, 50, 170] };
const GROUNDS: Record<string, RGB> = { grass: [90, 165, 70], sand: [225, 205, 150], snow: [245, 245, 250] };
const SIZE = 16;

interface Scene { colour: string; big: boolean; ground: string }

const rng = new Generator(9);
const pick = <T>(xs: readonly T[]): T => xs[rng.integer(0, xs.length)]!;
const randomScene = (): Scene => ({ colour: pick(Object.keys(COLOURS)), big: rng.uniform() < 0.5, ground: pick(Object.keys(GROUNDS)) });

/** The scene as RGB pixels (0–255, row-major), with noise and a random place, so no two are alike. */
function render(s: Scene): RGB[][] {
  const r = s.big ? 4 : 1.6;
  const [cx, cy] = [rng.integer(4, 12), rng.integer(4, 12)];
  return Array.from({ length: SIZE }, (_, y) =>
    Array.from({ length: SIZE }, (_, x) => {
      const [dx, dy] = [x - cx, y - cy];
      const base = dx * dx + dy * dy <= r * r ? COLOURS[s.colour]! : GROUNDS[s.ground]!;
      return base.map((v) => Math.min(255, Math.max(0, v + 12 * rng.normal()))) as RGB;
    }),
  );
}

function captionOf(s: Scene): string {
  const u = rng.uniform();
  if (u < 0.4) return `a ${s.big ? 'big' : 'small'} ${s.colour} ball on the ${s.ground}`;
  if (u < 0.75) return `a ${s.colour} ball on the ${s.ground}`;
  return `a ${s.colour} ball`;
}

/** Images → pixelValues [B, 3, 16, 16] scaled to [-1, 1]. */
function pixelValues(images: RGB[][][]): Tensor {
  const data = new Float32Array(images.length * 3 * SIZE * SIZE);
  images.forEach((img, b) => img.forEach((row, y) => row.forEach((rgb, x) => rgb.forEach((v, c) => (data[((b * 3 + c) * SIZE + y) * SIZE + x] = v / 127.5 - 1)))));
  return fromArray(data, [images.length, 3, SIZE, SIZE]);
}

// %% [markdown]
// ## A word-level vocabulary and a tiny BLIP
// The tokenizer is BERT's WordPiece over a vocabulary of just the toy words (every word is one
// piece), with BLIP's [DEC] and [ENC] appended. [SEP] ends a caption, [PAD] fills batches.
// The model is Hugging Face's BlipForConditionalGeneration layout, shrunk to a one-layer ViT that
// cuts the 16×16 image into four 8×8 patches, and a one-layer decoder of width 32.

// %%
const words = ['a', 'picture', 'of', 'on', 'the', 'small', 'big', 'ball', ...Object.keys(COLOURS), ...Object.keys(GROUNDS)];
const tokenizer = new BertTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words]);
const model = BlipForConditionalGeneration.create(
  {
    vision_config: { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, image_size: SIZE, patch_size: 8 },
    text_config: {
      vocab_size: tokenizer.size, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 32,
      pad_token_id: tokenizer.padId, bos_token_id: tokenizer.decId!, sep_token_id: tokenizer.sepId,
    },
  },
  { seed: 0 },
);
const PROMPT = 'a picture of ';
const promptLength = promptIds(tokenizer, PROMPT, 1).shape[1]!;
console.log(`vocabulary ${tokenizer.size} tokens; ${model.parameters().reduce((n, p) => n + p.size, 0).toLocaleString()} parameters; prompt = ${promptLength} tokens ([DEC] a picture of)`);

// %% [markdown]
// ## Training the captioner
// The decoder input is [DEC] + prompt + caption + [SEP]; the targets are the next tokens, with
// the prompt positions and padding ignored (-100), exactly as BLIP fine-tunes its captioner.

// %%
function batch(n: number) {
  const scenes = Array.from({ length: n }, randomScene);
  const enc = tokenizer.call(scenes.map((s) => PROMPT + captionOf(s)));
  // The tokenizer wraps each text in [CLS] … [SEP]; the first id becomes [DEC], as BLIP does.
  const decoderIds = withFirstToken(enc.inputIds, tokenizer.decId!);
  return { pixelValues: pixelValues(scenes.map(render)), inputIds: decoderIds, attentionMask: enc.attentionMask, labels: lmLabels(decoderIds, { padTokenId: tokenizer.padId, promptLength }) };
}

model.train();
const optimizer = new AdamW(weightDecayGroups(model, 0.05), { lr: 4e-3 });
const steps = 350;
for (let step = 1; step <= steps; step++) {
  const { loss } = model.forward(batch(48));
  optimizer.zeroGrad();
  loss!.backward();
  optimizer.step();
  if (step % 50 === 0) console.log(`step ${step}: LM loss ${loss!.item().toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
model.eval();

// %% [markdown]
// Did it learn the world? Greedy captions of 64 new images, word by word (a word the caption
// leaves out counts as right).

// %%
{
  const scenes = Array.from({ length: 64 }, randomScene);
  const { captions } = captionWithDetails(model, pixelValues(scenes.map(render)), tokenizer, { numBeams: 1 });
  const rate = (ok: (c: string, s: Scene) => boolean) => `${Math.round((100 * scenes.filter((s, i) => ok(captions[i]!, s)).length) / scenes.length)}%`;
  const wrong = (c: string, options: string[], right: string) => options.some((o) => o !== right && c.includes(o));
  console.log(`right colour ${rate((c, s) => c.includes(s.colour))}, size ${rate((c, s) => !wrong(c, ['small', 'big'], s.big ? 'big' : 'small'))}, ground ${rate((c, s) => !wrong(c, Object.keys(GROUNDS), s.ground))}`);
}

// %% [markdown]
// ## Three ways to decode
// The same eight new images, captioned by greedy search, by beam search (BLIP's evaluation
// setting) and by nucleus sampling (CapFilt's setting). `logP` is the model's log-probability of
// the whole caption (its words and the closing [SEP]).
//
// Beam search ranks finished captions by logP / length^lengthPenalty. BLIP's lengthPenalty 1
// compares the *average* log-probability per token, which favours the long, detailed template;
// with 0 it looks for the highest plain logP. Either way it can recover from a first word that
// greedy search commits to, which is where greedy loses.

// %%
const testScenes = Array.from({ length: 8 }, randomScene);
const testImages = testScenes.map(render);
const testPixels = pixelValues(testImages);
const methods: [string, CaptionOptions][] = [
  ['greedy', { numBeams: 1 }],
  ['beam (3)', { numBeams: 3 }],
  ['beam lp=0', { numBeams: 3, lengthPenalty: 0 }],
  ['nucleus', { sample: true, seed: 1 }],
];
const results = methods.map(([name, options]) => ({ name, ...captionWithDetails(model, testPixels, tokenizer, options) }));
testScenes.forEach((s, i) => {
  console.log(`image ${i}: ${s.big ? 'big' : 'small'} ${s.colour} ball on ${s.ground}`);
  for (const r of results) console.log(`  ${r.name.padEnd(10)} logP ${r.logProbs[i]!.toFixed(2).padStart(6)}  ${r.captions[i]}`);
});
const meanLogP = (r: (typeof results)[number]) => r.logProbs.reduce((a, b) => a + b, 0) / r.logProbs.length;
for (const r of results) console.log(`mean logP, ${r.name}: ${meanLogP(r).toFixed(3)}`);

// %% [markdown]
// ## Sampling is diverse; its seed makes it repeatable
// Five seeds for the first image: nucleus sampling tells the same scene several ways, roughly in
// the proportions of the training captions. The same seed always gives the same caption.

// %%
const first = testPixels.narrow(0, 0, 1);
const sampled = (seed: number) => captionWithDetails(model, first, tokenizer, { sample: true, seed }).captions[0];
for (let seed = 1; seed <= 5; seed++) console.log(`seed ${seed}: ${sampled(seed)}`);
console.log(`seed 1 again: ${sampled(1)}`);

// %% [markdown]
// ## The KV cache
// Each step feeds the decoder only the newest token; the keys and values of everything before it
// (and of the image, projected once) wait in per-layer caches, reordered when beams swap places.
// Without the cache every step re-runs the whole prefix. Same captions, less work.

// %%
for (const useCache of [true, false]) {
  const t0 = performance.now();
  const { captions } = captionWithDetails(model, testPixels, tokenizer, { numBeams: 3, useCache });
  const same = captions.every((c, i) => c === results[1]!.captions[i]);
  console.log(`beam search ${useCache ? 'with' : 'without'} the cache: ${(performance.now() - t0).toFixed(0)} ms, same captions: ${same}`);
}

// %% [markdown]
// ## The captions under their images
// Rows: the four decodings above; each image scaled ×6.

// %%
function captionSheet(images: RGB[][][], rows: { name: string; captions: string[] }[], columns = 4): PNG {
  const [scale, lineH, label] = [6, 10, 70];
  const cellW = Math.max(SIZE * scale, ...rows.flatMap((r) => r.captions.map((c) => textWidth(c)))) + 16;
  const cellH = SIZE * scale + 16 + rows.length * lineH + 12;
  const width = label + columns * cellW;
  const png = new PNG({ width, height: Math.ceil(images.length / columns) * cellH });
  png.data.fill(255);
  const inks: RGB[] = [[30, 30, 30], [20, 90, 180], [20, 130, 90], [170, 60, 20]];
  images.forEach((img, i) => {
    const [left, top] = [label + (i % columns) * cellW, Math.floor(i / columns) * cellH];
    const x0 = left + Math.floor((cellW - SIZE * scale) / 2);
    img.forEach((row, y) =>
      row.forEach((rgb, x) => {
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
          const at = ((top + 8 + y * scale + dy) * width + x0 + x * scale + dx) * 4;
          [png.data[at], png.data[at + 1], png.data[at + 2]] = rgb;
        }
      }),
    );
    rows.forEach((r, k) => {
      const y = top + SIZE * scale + 16 + k * lineH;
      if (i % columns === 0) drawText(png, r.name, 4, y, inks[k % inks.length]);
      drawText(png, r.captions[i]!, left + Math.floor((cellW - textWidth(r.captions[i]!)) / 2), y, inks[k % inks.length]);
    });
  });
  return png;
}
console.log('wrote', savePng('09-captions.png', captionSheet(testImages, results)));
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
