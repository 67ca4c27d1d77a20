// %% [markdown]
// # 08 · BLIP's three losses: ITC, ITM (with hard negatives) and LM
//
// BLIP trains one image encoder and one text model on three objectives at once, every batch:
//
// - **ITC** (image–text contrastive): as CLIP, each image must pick its caption among the batch's
//   captions and vice versa, from two unimodal embeddings: `sim = f_I·f_Tᵀ / temp`.
// - **ITM** (image–text matching): the text encoder reads the caption *while looking at the image*
//   (cross-attention) and says match / no match from its first token, [ENC]. Easy negatives teach
//   nothing, so the negatives are *mined*: drawn in proportion to how similar ITC finds them.
// - **LM** (language modelling): the decoder writes the caption token by token, looking at the
//   image, starting from [DEC]; cross-entropy on the next token with label smoothing 0.1.
//
// loss = L_itc + L_itm + L_lm. This notebook trains a tiny BLIP on a toy world of coloured shapes,
// shows the three losses falling side by side, and draws which negatives were mined and why they
// are hard. Run with `npx -y pnpm@12.4.2 example examples/08-blip-losses.ts`; pictures go to
// `examples/out/`.

// %%
import { noGrad } from '@glimpse/autograd';
import { BlipPretrain, itmLabels, sampleHardNegatives, withFirstToken } from '@glimpse/models';
import { AdamW, weightDecayGroups } from '@glimpse/train';
import { Generator, fromArray, tensor, type Tensor } from '@glimpse/tensor';
import { PNG } from 'pngjs';
import { colour, heat, panels, savePng, type RGB } from './lib/pictures.js';
import { drawText } from './lib/text.js';

// %% [markdown]
// ## A toy world: three colours × three shapes
// Nine concepts; an image is a 16×16 picture of one shape in one colour (size and place jitter a
// little, plus noise), its caption "a red square". A batch holds each concept once, so no other pair of
// the batch is secretly a match. A real BLIP uses bert-base-uncased's WordPiece (BertTokenizer,
// with [DEC] and [ENC] added); twelve words are enough here.

// %%
const COLOURS: Record<string, RGB> = { red: [230, 40, 30], green: [30, 200, 60], blue: [40, 80, 240] };
const SHAPES = ['square', 'circle', 'cross'] as const;
const CONCEPTS = Object.keys(COLOURS).flatMap((c) => SHAPES.map((s) => [c, s] as const));
const VOCAB = ['[PAD]', '[CLS]', '[SEP]', '[DEC]', '[ENC]', 'a', ...Object.keys(COLOURS), ...SHAPES];
const id = (word: string) => VOCAB.indexOf(word);
const [CLS, SEP, DEC, ENC] = [id('[CLS]'), id('[SEP]'), id('[DEC]'), id('[ENC]')];
const SIZE = 16;

function inside(shape: string, dx: number, dy: number, r: number): boolean {
  if (shape === 'square') return Math.abs(dx) <= r && Math.abs(dy) <= r;
  if (shape === 'circle') return dx * dx + dy * dy <= r * r + 0.5;
  return (Math.abs(dx) <= 1 && Math.abs(dy) <= r) || (Math.abs(dy) <= 1 && Math.abs(dx) <= r);
}

/** RGB bytes [SIZE·SIZE·3] of one picture. */
function picture(colour: string, shape: string, g: Generator): Uint8Array {
  const r = 5 + g.integer(0, 2);
  const [cx, cy] = [7 + g.integer(0, 3), 7 + g.integer(0, 3)];
  const out = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const rgb = inside(shape, x - cx, y - cy, r) ? COLOURS[colour]! : [60, 60, 60];
      for (let c = 0; c < 3; c++) out[(y * SIZE + x) * 3 + c] = Math.min(255, Math.max(0, rgb[c]! + (g.uniform() - 0.5) * 40));
    }
  }
  return out;
}

/** Pictures [B, 3, 16, 16] normalised to about [-1, 1], and captions [CLS] a <colour> <shape> [SEP]. */
function batch(order: number[], g: Generator) {
  const rgb = order.map((k) => picture(CONCEPTS[k]![0], CONCEPTS[k]![1], g));
  const pixels = new Float32Array(order.length * 3 * SIZE * SIZE);
  rgb.forEach((img, b) => img.forEach((v, i) => (pixels[((b * 3 + (i % 3)) * SIZE * SIZE) + Math.floor(i / 3)] = v / 127.5 - 1)));
  const inputIds = tensor(order.map((k) => [CLS, id('a'), id(CONCEPTS[k]![0]), id(CONCEPTS[k]![1]), SEP]), { dtype: 'int32' });
  return { pixelValues: fromArray(pixels, [order.length, 3, SIZE, SIZE]), inputIds, attentionMask: inputIds.ne(0).to('int32'), rgb };
}

// %% [markdown]
// ## A tiny BLIP
// The same classes as the real model, only small: a 1-layer ViT (width 32, 4×4 patches) and a
// 2-layer MED text model (width 32) whose decoder shares everything with the encoder except its
// self-attention; no dropout (BLIP pre-trains with 0.1, too much for nine examples). Before training, each loss sits near its chance level: ITC ≈ ln 9 (pick one of
// nine), ITM ≈ 0.64 (the entropy of "one in three pairs matches"), LM ≈ ln 12 (one of twelve words).

// %%
const model = BlipPretrain.create({
  image_text_hidden_size: 16,
  vision_config: { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, image_size: SIZE, patch_size: 4, layer_norm_eps: 1e-6 },
  text_config: { vocab_size: VOCAB.length, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 8, bos_token_id: DEC, sep_token_id: SEP, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 },
  enc_token_id: ENC,
});
const g = new Generator(8);
const shuffled = () => {
  const order = [...CONCEPTS.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
};
const show = (o: { lossItc: { item(): number }; lossItm: { item(): number }; lossLm?: { item(): number } }) =>
  `ITC ${o.lossItc.item().toFixed(3)}   ITM ${o.lossItm.item().toFixed(3)}   LM ${o.lossLm!.item().toFixed(3)}`;
console.log(`at init:   ${noGrad(() => show(model.forward(batch(shuffled(), g))))}`);
console.log(`chance:    ITC ${Math.log(9).toFixed(3)}   ITM ${(-(1 / 3) * Math.log(1 / 3) - (2 / 3) * Math.log(2 / 3)).toFixed(3)}   LM ${Math.log(VOCAB.length).toFixed(3)}`);

// %% [markdown]
// ## Training: the three losses side by side
// One AdamW step per batch on loss = ITC + ITM + LM. ITC and LM fall first; ITM lags far behind,
// because the better ITC gets, the harder the negatives it hands to ITM become: telling a red
// square from a red circle takes looking at both words *and* the picture. LM cannot reach 0:
// label smoothing 0.1 leaves a floor, the entropy of the smoothed target (printed below).

// %%
const optimizer = new AdamW(weightDecayGroups(model, 0.05), { lr: 3e-3 });
const curves: number[][] = [];
for (let step = 1; step <= 400; step++) {
  const out = model.forward(batch(shuffled(), g));
  optimizer.zeroGrad();
  out.loss.backward();
  optimizer.step();
  curves.push([out.lossItc.item(), out.lossItm.item(), out.lossLm!.item()]);
  if (step % 50 === 0) console.log(`step ${String(step).padStart(3)}: ${show(out)}`);
}
const eps = 0.1;
const [hit, miss] = [1 - eps + eps / VOCAB.length, eps / VOCAB.length];
console.log(`LM floor with label smoothing ${eps}: ${(-hit * Math.log(hit) - (VOCAB.length - 1) * miss * Math.log(miss)).toFixed(3)}`);

// %% [markdown]
// ## Which negatives get mined, and why they are hard
// For each caption (row), BLIP's sampling weights over the batch's images are
// softmax(sim_t2i) + 1e-4 with the diagonal (the true image) set to 0. After training, the weight
// concentrates on images that share the caption's colour or its shape — here mostly the colour,
// which ITC learned first: "a red circle" draws the red square, hardly ever a green cross. Those
// are exactly the pairs ITM must see to learn to check *both* words against the image, and they
// are the ones it still finds hardest: its p(match) for them sits between the true pairs' and the
// unrelated images'.

// %%
model.eval();
const order = [...CONCEPTS.keys()];
const probe = batch(order, new Generator(99));
const { simI2T, simT2I } = noGrad(() => model.forward(probe)); // ITC similarities / temp of the probe batch
const drawn = sampleHardNegatives(simI2T, simT2I, new Generator(1));
const weights = drawn.weightsT2I.div(drawn.weightsT2I.sum(-1, true)); // rows: captions, columns: images
const counts = Array.from({ length: 9 }, () => new Array<number>(9).fill(0));
const draws = new Generator(2);
for (let n = 0; n < 2000; n++) sampleHardNegatives(simI2T, simT2I, draws).imageForText.dataSync().forEach((j, i) => counts[i]![j]!++);
const sharing = (i: number, j: number) => CONCEPTS[i]![0] === CONCEPTS[j]![0] || CONCEPTS[i]![1] === CONCEPTS[j]![1];
let hard = 0;
counts.forEach((row, i) => row.forEach((n, j) => (hard += sharing(i, j) ? n : 0)));
console.log(`mined negatives sharing the colour or the shape: ${((100 * hard) / (9 * 2000)).toFixed(1)}% (a uniform choice: ${((100 * 4) / 8).toFixed(1)}%)`);

// ITM on the mined pairs: the image-grounded encoder's probability of "match".
const itmProb = (imageOf: number[]) =>
  noGrad(() => {
    const images = model.vision_model.forward(probe.pixelValues).lastHiddenState.indexSelect(0, tensor(imageOf, { dtype: 'int32' }));
    const ids = withFirstToken(probe.inputIds, ENC);
    const h = model.text_encoder.forward(ids, { mode: 'multimodal', attentionMask: probe.attentionMask, encoderHidden: images }).lastHiddenState;
    return (model.itm_head.forward(h.select(1, 0)).data.softmax(-1).select(1, 1).toArray() as number[]);
  });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const hardest = (weights.toArray() as number[][]).map((row) => row.indexOf(Math.max(...row)));
const unrelated = order.map((i) => order.find((j) => !sharing(i, j))!);
console.log(`ITM p(match): true pairs ${mean(itmProb(order)).toFixed(3)}, hardest mined negatives ${mean(itmProb(hardest)).toFixed(3)}, unrelated images ${mean(itmProb(unrelated)).toFixed(3)}`);
console.log(`(ITM labels of a batch of 3: ${Array.from(itmLabels(3).dataSync()).join(' ')} — B positives, then 2B negatives)`);

// %% [markdown]
// ## LM: the decoder captions the images
// Greedy decoding with the decoder's KV cache: start from [DEC], feed back the most likely word.

// %%
const captions = noGrad(() => {
  const imageTokens = model.vision_model.forward(probe.pixelValues).lastHiddenState;
  const cache = model.text_decoder.newCache();
  let ids: Tensor = tensor(order.map(() => [DEC]), { dtype: 'int32' });
  const words: string[][] = order.map(() => []);
  for (let t = 0; t < 4; t++) {
    const next = model.text_decoder.step(ids, cache, t === 0 ? { encoderHidden: imageTokens } : {}).data.argmax(-1);
    next.dataSync().forEach((w, b) => words[b]!.push(VOCAB[w]!));
    ids = next.reshape([order.length, 1]).to('int32');
  }
  return words.map((w) => w.slice(0, w.indexOf('[SEP]') < 0 ? w.length : w.indexOf('[SEP]')).join(' '));
});
order.forEach((k, b) => console.log(`${CONCEPTS[k]!.join(' ').padEnd(13)} → "${captions[b]}"`));

// %% [markdown]
// ## The pictures
// `08-blip-hard-negatives.png`, one row per caption: the caption, its image (green frame), then
// the batch's other images ordered by how often they were drawn as its negative (the share of 2000
// draws under each; red numbers: the image shares the caption's colour or shape; red frame: drawn
// more than 5% of the time). The hard ones come first and take almost all the draws.
// `08-blip-weights.png`: the 9×9 sampling weights (left: softmax + 1e-4, diagonal 0, normalised;
// right: how often each was actually drawn), and `08-blip-loss-curves.png`: the three losses
// during training.

// %%
const TILE = 3;
const cellW = SIZE * TILE + 46;
const LEFT = 170;
const png = new PNG({ width: LEFT + 9 * cellW, height: 12 + 9 * (SIZE * TILE + 26) });
png.data.fill(255);
const blit = (img: Uint8Array, x0: number, y0: number, frame?: RGB) => {
  for (let y = -2; y < SIZE * TILE + 2; y++) {
    for (let x = -2; x < SIZE * TILE + 2; x++) {
      const border = x < 0 || y < 0 || x >= SIZE * TILE || y >= SIZE * TILE;
      if (border && !frame) continue;
      const at = ((y0 + y) * png.width + x0 + x) * 4;
      const src = (Math.floor(y / TILE) * SIZE + Math.floor(x / TILE)) * 3;
      [png.data[at], png.data[at + 1], png.data[at + 2]] = border ? frame! : [img[src]!, img[src + 1]!, img[src + 2]!];
    }
  }
};
order.forEach((i, row) => {
  const y0 = 12 + row * (SIZE * TILE + 26);
  drawText(png, CONCEPTS[i]!.join(' '), 6, y0 + 20, [0, 0, 0], 2);
  blit(probe.rgb[i]!, LEFT, y0, [30, 170, 60]);
  const ranked = order.filter((j) => j !== i).sort((a, b) => counts[i]![b]! - counts[i]![a]!);
  ranked.forEach((j, r) => {
    const x0 = LEFT + (r + 1) * cellW;
    const share = counts[i]![j]! / 2000;
    blit(probe.rgb[j]!, x0, y0, share > 0.05 ? [220, 60, 40] : undefined);
    drawText(png, `${Math.round(100 * share)}%`, x0, y0 + SIZE * TILE + 6, sharing(i, j) ? [200, 40, 30] : [120, 120, 120]);
  });
});
console.log('wrote', savePng('08-blip-hard-negatives.png', png));

const freq = tensor(counts).div(2000);
const matrices = panels([heat(weights), heat(freq)], 20);
drawText(matrices, 'SAMPLING WEIGHTS', 20, 6);
drawText(matrices, 'DRAWN (2000 X)', 220, 6);
console.log('wrote', savePng('08-blip-weights.png', matrices));

// Loss curves, each smoothed over 10 steps; the top of the plot is ln 12 (LM at chance).
const [W, H, PAD] = [400, 160, 30];
const plot = new PNG({ width: W + 2 * PAD, height: H + 2 * PAD });
plot.data.fill(255);
const top = Math.log(VOCAB.length);
const names = ['ITC', 'ITM', 'LM'];
const lineColours: RGB[] = [colour(0.05), colour(0.55), [220, 60, 40]];
names.forEach((name, k) => {
  drawText(plot, name, PAD + 60 * k, 8, lineColours[k]);
  for (let x = 0; x < W; x++) {
    const at = Math.floor((x / W) * curves.length);
    const window = curves.slice(Math.max(0, at - 9), at + 1).map((c) => c[k]!);
    const y = PAD + H - 1 - Math.min(H - 1, Math.round((window.reduce((a, b) => a + b, 0) / window.length / top) * (H - 1)));
    for (let dy = 0; dy < 2; dy++) {
      const i = ((y + dy) * plot.width + PAD + x) * 4;
      [plot.data[i], plot.data[i + 1], plot.data[i + 2]] = lineColours[k]!;
    }
  }
});
drawText(plot, `STEP 0`, PAD, PAD + H + 8, [120, 120, 120]);
drawText(plot, `${curves.length}`, PAD + W - 20, PAD + H + 8, [120, 120, 120]);
console.log('wrote', savePng('08-blip-loss-curves.png', plot));
