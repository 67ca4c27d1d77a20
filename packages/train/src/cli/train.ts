import { trainCLIPRecipe } from '../recipes/clip-train.js';
import { integer, number, UsageError, type Command } from './args.js';
import { DATA_FLAGS, datasetFromFlags } from './datasets.js';

function seedOf(values: Record<string, unknown>): number {
  const seed = number('train', values, 'seed', 0);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`glimpse train: --seed must be a non-negative integer, got ${String(values['seed'])}`);
  return seed;
}

export const trainCommand: Command = {
  summary: 'train a CLIP (or BLIP) model from scratch on captioned images',
  help: `glimpse train clip (--data PATH | --emoji STYLE) --out DIR [flags]

Learns a BPE vocabulary from the captions, trains a small CLIP with AdamW (warm-up + cosine),
writes checkpoints (resumable with --resume), metrics.jsonl and, at the end, DIR/model: a Hugging
Face-layout directory usable by glimpse zeroshot / retrieve / eval.

${DATA_FLAGS}
  --eval-data PATH / --eval-emoji STYLE   held-out data, evaluated during and after training
  --out DIR          where checkpoints, metrics.jsonl and model/ go
  --preset NAME      tiny (width 64, 2 layers) or small (128, 4); default tiny
  --steps N          optimizer steps (default 300)       --batch-size N   (default 64)
  --lr X             peak learning rate (default 2e-3)   --seed N         (default 0)
  --accum-freq K     split each batch into K micro-batches, same gradient (default 1)
  --resume           continue from the newest checkpoint in DIR/checkpoints

Example: glimpse train clip --emoji google --eval-emoji twitter --out runs/clip --steps 300`,
  allowPositionals: true,
  options: {
    data: { type: 'string' }, emoji: { type: 'string' }, images: { type: 'string' }, 'eval-data': { type: 'string' }, 'eval-emoji': { type: 'string' },
    out: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    seed: { type: 'string' }, 'accum-freq': { type: 'string' }, 'image-size': { type: 'string' }, resume: { type: 'boolean' },
  },
  async run(values, positionals) {
    const [kind] = positionals;
    if (kind !== 'clip') throw new UsageError(`glimpse train: say what to train: glimpse train clip … (got ${kind === undefined ? 'nothing' : `'${kind}'`})`);
    const out = values['out'];
    if (typeof out !== 'string') throw new UsageError('glimpse train: --out is required (see glimpse train --help)');
    const preset = values['preset'] ?? 'tiny';
    if (preset !== 'tiny' && preset !== 'small') throw new UsageError(`glimpse train: --preset must be tiny or small, got ${String(preset)}`);
    const imageSize = integer('train', values, 'image-size', 32);
    const train = datasetFromFlags('train', values, '', imageSize);
    if (!train) throw new UsageError('glimpse train: give --data PATH or --emoji STYLE (see glimpse train --help)');
    const evalSet = datasetFromFlags('train', values, 'eval-', imageSize);
    const result = await trainCLIPRecipe({
      train,
      ...(evalSet ? { eval: evalSet } : {}),
      outDir: out,
      preset,
      imageSize,
      steps: integer('train', values, 'steps', 300),
      batchSize: integer('train', values, 'batch-size', 64),
      lr: number('train', values, 'lr', 2e-3),
      seed: seedOf(values),
      accumFreq: integer('train', values, 'accum-freq', 1),
      resume: values['resume'] === true,
      ...(train.images[0]?.meta?.['category'] ? { labelKey: 'category' } : {}),
    });
    console.log(`model written to ${result.modelDir}`);
    if (result.metrics) for (const [k, v] of Object.entries(result.metrics)) console.log(`  ${k.padEnd(22)} ${v.toFixed(4)}`);
  },
};
