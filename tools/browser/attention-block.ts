/**
 * Browser side of gpu-browser.test.ts, bundled with the engine: a small pre-LN attention block
 * (CLIP's: LayerNorm → causal multi-head self-attention → residual → LayerNorm → MLP → residual;
 * hidden 16, 2 heads, MLP 32, batch 2 × 8 tokens) forward and backward, once on the cpu backend
 * and once on the gpu backend (gpu.js WebGL2 kernels), from the same weights and inputs. Returns
 * both results and what ran, for Node to compare.
 */
import { Parameter, Variable } from '@glimpse/autograd';
import { PreLNBlock } from '@glimpse/models';
import { Generator, randn, setBackend } from '@glimpse/tensor';
import { gpuInfo, gpuMemory } from '@glimpse/tensor/gpu';

export interface BlockResult {
  loss: number;
  out: number[];
  /** d loss / d input, then d loss / d each parameter, by name. */
  grads: Record<string, number[]>;
}

function run(backend: string): BlockResult {
  setBackend(backend);
  try {
    const block = new PreLNBlock({ hidden_size: 16, num_attention_heads: 2, intermediate_size: 32 }, { generator: new Generator(7) });
    const x = new Variable(randn([2, 8, 16], { seed: 3 }), { requiresGrad: true });
    const u = randn([2, 8, 16], { seed: 4 });
    const out = block.forward(x, { causal: true });
    const loss = out.mul(u).sum();
    loss.backward();
    const grads: Record<string, number[]> = { input: Array.from(x.grad!.dataSync()) };
    for (const [name, p] of block.namedParameters() as [string, Parameter][]) grads[name] = Array.from(p.grad!.dataSync());
    return { loss: loss.item(), out: Array.from(out.data.dataSync()), grads };
  } finally {
    setBackend('cpu');
  }
}

(globalThis as Record<string, unknown>)['__glimpseAttention'] = async () => {
  const info = gpuInfo();
  const gpu = run('gpu');
  const cpu = run('cpu');
  return { info, memory: gpuMemory(), gpu, cpu, userAgent: (globalThis as { navigator?: { userAgent: string } }).navigator?.userAgent };
};
