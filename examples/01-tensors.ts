// %% [markdown]
// # 01 · Tensors
//
// A tensor is a block of numbers (its *storage*) plus a recipe for reading it: a `dtype`, a
// `shape`, `strides` (how many elements to step in storage to move one place along each dim)
// and an `offset`. Almost everything that looks like "moving data" — transposing, slicing,
// broadcasting — only changes the recipe. Run it with `npx -y pnpm@12.4.2 example examples/01-tensors.ts`.

// %%
import { arange, matmul, randn, tensor, zeros } from '@glimpse/tensor';

const x = arange(12).reshape([3, 4]).to('float32');
console.log('x =', x.toString());
console.log('shape', x.shape, 'strides', x.strides, 'contiguous?', x.isContiguous());

// %% [markdown]
// ## Views share storage
// `transpose` swaps two strides; no number moves. The result is *not contiguous*: reading it in
// row-major order jumps around storage. `contiguous()` makes a compact copy only when needed.

// %%
const xt = x.transpose();
console.log('xᵀ =', xt.toString());
console.log('xᵀ strides', xt.strides, 'same storage as x?', xt.storage === x.storage, 'contiguous?', xt.isContiguous());
const compact = xt.contiguous();
console.log('after contiguous(): strides', compact.strides, 'same storage?', compact.storage === x.storage);

// Slicing with a step moves the offset and multiplies a stride.
const everyOtherColumn = x.slice(1, 0, undefined, 2);
console.log('x[:, ::2] =', everyOtherColumn.toString(), 'offset', everyOtherColumn.offset, 'strides', everyOtherColumn.strides);

// %% [markdown]
// ## Broadcasting
// Shapes are aligned from the right; a dim of size 1 (or a missing one) stretches to match.
// Internally `expand` gives the stretched dims stride 0: the same element is read again.

// %%
const rowMeans = x.mean(1, true); // [3, 1]
console.log('row means', rowMeans.toString());
console.log('x - row means =', x.sub(rowMeans).toString());
const bias = tensor([10, 20, 30, 40]); // [4] broadcasts over the 3 rows
console.log('x + bias =', x.add(bias).toString());
console.log('bias expanded to [3,4] has strides', bias.expand([3, 4]).strides);

// %% [markdown]
// ## A matmul
// `[3,4] @ [4,2] → [3,2]`. Batch dims broadcast too: `[5,3,4] @ [4,2] → [5,3,2]`.

// %%
const w = randn([4, 2], { seed: 0 });
console.log('x @ w =', matmul(x, w).toString());
console.log('batched shape', matmul(zeros([5, 3, 4]), w).shape);

// Errors name the op and the shapes:
try {
  matmul(x, zeros([3, 2]));
} catch (e) {
  console.log('error:', (e as Error).message);
}
