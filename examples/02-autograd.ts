// %% [markdown]
// # 02 · Autograd: reverse-mode differentiation by hand and by machine
//
// Training a network means nudging every weight against the gradient of the loss. Reverse
// mode computes *all* those gradients in one backward sweep: each op remembers its inputs, and
// given ∂loss/∂output it returns ∂loss/∂input by the chain rule. Walk the ops from the loss back
// to the weights, summing what arrives at each, and you have every gradient for roughly the
// cost of one more forward pass. Run with `npx -y pnpm@12.4.2 example examples/02-autograd.ts`.

// %%
import { Parameter, Variable, crossEntropy, gradcheck } from '@glimpse/autograd';
import { randn, tensor, type Tensor } from '@glimpse/tensor';

// %% [markdown]
// ## The smallest graph
// y = (a·b + a)²  ⇒  ∂y/∂a = 2(ab + a)(b + 1),  ∂y/∂b = 2(ab + a)·a.

// %%
const a = new Variable(tensor([2], { dtype: 'float64' }), { requiresGrad: true });
const b = new Variable(tensor([3], { dtype: 'float64' }), { requiresGrad: true });
const y = a.mul(b).add(a).pow(2);

/** Prints the graph that backward will walk, from the output down to the leaves. */
function showGraph(v: Variable, indent = ''): void {
  console.log(`${indent}${v.op ?? (v.requiresGrad ? 'leaf (requiresGrad)' : 'constant')} ${JSON.stringify(v.shape)}`);
  for (const input of v.inputs) showGraph(input, indent + '  ');
}
showGraph(y);
y.sum().backward();
console.log('∂y/∂a =', a.grad!.item(), '(by hand: 2·8·4 = 64)');
console.log('∂y/∂b =', b.grad!.item(), '(by hand: 2·8·2 = 32)');

// %% [markdown]
// ## Trust, but check: gradcheck
// Every backward rule in Glimpse is compared with central finite differences in float64:
// (f(x + ε) − f(x − ε)) / 2ε. A wrong rule is reported with the worst element.

// %%
gradcheck((x, w) => x.matmul(w).gelu().sum(1), [randn([3, 4], { dtype: 'float64', seed: 1 }), randn([4, 2], { dtype: 'float64', seed: 2 })]);
console.log('gradcheck of gelu(x·w) passed');
try {
  const forgetsTheTwo = (v: Variable) => Variable.fromOp('square', v.data.mul(v.data), [v], (g) => [g.mul(v.data)]);
  gradcheck(forgetsTheTwo, [randn([3], { dtype: 'float64', seed: 3 })]);
} catch (e) {
  console.log('a wrong rule is caught:', (e as Error).message);
}

// %% [markdown]
// ## A tiny MLP, trained by hand
// Two classes of points: inside or outside a circle of radius 1. A 2 → 16 → 2 network with
// tanh, plain gradient descent, cross-entropy loss.

// %%
const points = randn([256, 2], { seed: 4 }).mul(1.2);
const labels = points.mul(points).sum(1).lt(1).to('int32'); // 1 inside the circle
const w1 = new Parameter(randn([2, 16], { seed: 5 }).mul(0.5));
const b1 = new Parameter(randn([16], { seed: 6 }).mul(0));
const w2 = new Parameter(randn([16, 2], { seed: 7 }).mul(0.5));
const b2 = new Parameter(randn([2], { seed: 8 }).mul(0));
const params = [w1, b1, w2, b2];
const forward = (x: Tensor) => new Variable(x).matmul(w1).add(b1).tanh().matmul(w2).add(b2);

for (let step = 0; step <= 300; step++) {
  const logits = forward(points);
  const loss = crossEntropy(logits, labels);
  for (const p of params) p.zeroGrad();
  loss.backward();
  // The update is arithmetic on values (Tensors), not part of the model, so nothing is recorded.
  for (const p of params) p.assign(p.data.sub(p.grad!.mul(0.5)));
  if (step % 50 === 0) {
    const accuracy = logits.data.argmax(1).eq(labels).to('float32').mean().item();
    console.log(`step ${step}: loss ${loss.item().toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`);
  }
}
