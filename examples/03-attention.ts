// %% [markdown]
// # 03 · Attention, from scratch
//
// Attention is a soft dictionary lookup. Every token asks a *query*; every token offers a *key*
// and a *value*. A query is compared with all keys (dot products), the scores become weights with
// a softmax, and the answer is the weighted average of the values. Everything in CLIP and BLIP —
// image patches looking at each other, text reading the image — is this one operation.
// Run with `npx -y pnpm@12.4.2 example examples/03-attention.ts`; pictures go to `examples/out/`.

// %%
import { Variable, concat } from '@glimpse/autograd';
import { Attention, KVCache, multiHeadAttention } from '@glimpse/models';
import { Generator, randn, tensor, type Tensor } from '@glimpse/tensor';
import { heat, panels, savePng, type RGB } from './lib/pictures.js';

const show = (t: Tensor, digits = 2) =>
  (t.toArray() as number[][]).map((row) => row.map((v) => v.toFixed(digits).padStart(digits + 4)).join('')).join('\n');

// %% [markdown]
// ## Scores, softmax, weighted sum — by hand
// Four tokens of width 4. For one head: weights = softmax(q·kᵀ / √d) row by row; output =
// weights · v. Each row of the weights is a probability distribution over the keys.

// %%
const q = randn([4, 4], { seed: 1 });
const k = randn([4, 4], { seed: 2 });
const v = randn([4, 4], { seed: 3 });
const scores = q.matmul(k.transpose()).div(Math.sqrt(4));
const weights = scores.softmax(-1);
console.log('scores q·kᵀ/√d:\n' + show(scores));
console.log('weights (rows sum to 1):\n' + show(weights));
console.log('output = weights·v:\n' + show(weights.matmul(v)));

// %% [markdown]
// ## Why divide by √d?
// With unit-variance entries, q·k is a sum of d products, so its standard deviation grows like
// √d. Large scores make the softmax nearly one-hot and its gradient nearly zero; dividing by √d
// keeps the scores at unit scale whatever the head width.

// %%
for (const d of [4, 64, 1024]) {
  const s = randn([256, d], { seed: d }).matmul(randn([d, 256], { seed: d + 1 }));
  const std = (t: Tensor) => Math.sqrt(t.var().item()).toFixed(2);
  console.log(`d = ${String(d).padStart(4)}: std of q·k = ${std(s).padStart(6)}, of q·k/√d = ${std(s.div(Math.sqrt(d)))}`);
}

// %% [markdown]
// ## Masks
// *Padding*: batches hold sentences of different lengths, padded to one length. Hugging Face's
// `attention_mask` marks real tokens 1 and padding 0; padded keys must get no weight.
// *Causal*: a text decoder must not peek at the future, so token i only sees keys ≤ i.
// Glimpse hides keys by giving them exactly zero weight. A query that can see no key at all
// (a sequence that is all padding) gets a zero output rather than NaN.

// %%
const as3d = (t: Tensor) => new Variable(t.unsqueeze(0));
const attend = (mask?: Tensor, causal = false) =>
  multiHeadAttention(as3d(q), as3d(k), as3d(v), { numHeads: 1, mask, causal }).weights.data.select(0, 0).select(0, 0);
console.log('padding mask [1,1,1,0] (the last key is padding):\n' + show(attend(tensor([[1, 1, 1, 0]], { dtype: 'int32' }))));
console.log('causal:\n' + show(attend(undefined, true)));
console.log('both:\n' + show(attend(tensor([[1, 1, 1, 0]], { dtype: 'int32' }), true)));

// %% [markdown]
// ## Many heads = reshapes
// With width D and H heads, each head works in its own dh = D/H slice:
// [B, T, D] → [B, T, H, dh] → [B, H, T, dh] (a view, no copy); attention runs for every (batch,
// head) pair at once with batched matmuls; then the heads are put back side by side → [B, T, D].
// Below, head h of multiHeadAttention equals plain attention on columns h·dh … (h+1)·dh.

// %%
const [B, T, D, H] = [2, 5, 8, 2];
const x = new Variable(randn([B, T, D], { seed: 4 }));
const both = multiHeadAttention(x, x, x, { numHeads: H }).output;
for (let h = 0; h < H; h++) {
  const slice = x.data.narrow(2, h * (D / H), D / H);
  const alone = slice.matmul(slice.transpose()).div(Math.sqrt(D / H)).softmax(-1).matmul(slice);
  const diff = both.data.narrow(2, h * (D / H), D / H).sub(alone).abs().max().item();
  console.log(`head ${h}: largest difference from single-head attention on its slice = ${diff.toExponential(1)}`);
}

// %% [markdown]
// ## Learned projections, and attention to something else (cross-attention)
// A real layer first projects the tokens: q = x·Wq, k = x·Wk, v = x·Wv, and after merging heads
// mixes them with an output projection (Hugging Face CLIP: `q_proj, k_proj, v_proj, out_proj`).
// In *cross*-attention the queries come from one sequence (text) and the keys/values from another
// (image patches, maybe of another width): BLIP's image-grounded text encoder does exactly this.

// %%
const attn = new Attention(8, 2, { kvDim: 6, generator: new Generator(5) });
const text = new Variable(randn([1, 3, 8], { seed: 6 }));
const patches = new Variable(randn([1, 9, 6], { seed: 7 }));
console.log('parameters:', attn.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`).join(', '));
console.log('cross-attention output:', attn.forward(text, { context: patches }).shape, '(3 text tokens, width 8)');

// %% [markdown]
// ## Decoding one token at a time: the KV cache
// A caption is generated token by token. Recomputing keys and values of the whole prefix at
// every step is wasted work: a `KVCache` keeps them and each step projects only its new token.
// The causal mask then aligns the new query with the last key. Same numbers as the full pass:

// %%
const selfAttn = new Attention(8, 2, { generator: new Generator(8) });
const full = selfAttn.forward(x, { causal: true });
const cache = new KVCache();
const stepwise = concat(Array.from({ length: T }, (_, t) => selfAttn.forward(x.narrow(1, t, 1), { causal: true, cache })), 1);
console.log('largest difference, cached vs full:', stepwise.data.sub(full.data).abs().max().item().toExponential(1));

// %% [markdown]
// ## Pictures of attention
// Two heads built by hand so that their maps mean something.
// 1. A *previous-token* head: positions are coded by sines and cosines of every frequency
//    that fits 16 positions, and the query of token i is the code of position i − 1, so q_i·k_j
//    peaks sharply at j = i − 1. Left: causal only. Right: the last four tokens are padding too,
//    so their columns go dark and the queries that wanted them fall back on earlier tokens.
// 2. *Cross-attention* from the word "red" to the patches of an 8×8 image with a red square and a
//    green blob: the keys are the patches' colours, the query is the direction of red.

// %%
const positions = 16;
const code = (pos: number) => Array.from({ length: 16 }, (_, c) => (c % 2 ? Math.cos : Math.sin)((2 * Math.PI * Math.floor(c / 2) * pos) / positions) * 2);
const keysByPos = tensor(Array.from({ length: positions }, (_, j) => code(j))).unsqueeze(0);
const queriesByPos = tensor(Array.from({ length: positions }, (_, i) => code(i - 1))).unsqueeze(0);
const padding = tensor([Array.from({ length: positions }, (_, j) => (j < positions - 4 ? 1 : 0))], { dtype: 'int32' });
const previousToken = (mask?: Tensor) =>
  multiHeadAttention(new Variable(queriesByPos), new Variable(keysByPos), new Variable(keysByPos), { numHeads: 1, causal: true, mask })
    .weights.data.select(0, 0).select(0, 0);
const [prevMap, prevMapPadded] = [previousToken(), previousToken(padding)];

const image: [number, number, number][][] = Array.from({ length: 8 }, (_, r) =>
  Array.from({ length: 8 }, (_, c): [number, number, number] => {
    if (r >= 1 && r <= 3 && c >= 4 && c <= 6) return [0.9, 0.1, 0.1]; // red square
    if ((r - 5.5) ** 2 + (c - 2) ** 2 < 3) return [0.1, 0.8, 0.2]; // green blob
    return [0.3, 0.35, 0.6]; // blue-grey background
  }),
);
const patchColours = new Variable(tensor(image.flat()).unsqueeze(0)); // [1, 64, 3]
const red = new Variable(tensor([[[12, -6, -6]]])); // [1, 1, 3]: "how red is this patch?"
const redMap = multiHeadAttention(red, patchColours, patchColours, { numHeads: 1 }).weights.data.reshape([8, 8]);
console.log('weight of "red" on the red square:', redMap.narrow(0, 1, 3).narrow(1, 4, 3).sum().item().toFixed(3), '(9 of 64 patches)');

// %%
const imageCells = image.map((row) => row.map((rgb) => rgb.map((c) => Math.round(c * 255)) as RGB));

const selfPath = savePng('03-previous-token-head.png', panels([heat(prevMap), heat(prevMapPadded)], 20));
const crossPath = savePng('03-cross-attention-red.png', panels([imageCells, heat(redMap)], 28));
console.log('wrote', selfPath, 'rows = queries, columns = keys; bright = high weight');
console.log('wrote', crossPath, 'left: the image; right: where "red" looks');
