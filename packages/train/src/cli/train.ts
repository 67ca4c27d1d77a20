import { trainBLIPRecipe } from '../recipes/blip-train.js';
import { trainCLIPRecipe } from '../recipes/clip-train.js';
import { integer, number, seed, UsageError, type Command } from './args.js';
import { DATA_FLAGS, datasetFromFlags } from './datasets.js';

export const trainCommand: Command = {
  summary: 'train a CLIP (or BLIP) model from scratch on captioned images',
  help: `glimpse train clip|blip (--data PATH | --emoji STYLE) --out DIR [flags]

clip: learns a BPE vocabulary from the captions, trains a small CLIP with AdamW (warm-up +
cosine); blip: learns a WordPiece vocabulary (+ [DEC]/[ENC]) and pre-trains a small BLIP with
ITC + ITM (hard negatives) + LM. Both write checkpoints (resumable with --resume), metrics.jsonl
and, at the end, DIR/model: a directory glimpse zeroshot / retrieve / eval (CLIP) or caption /
itm (BLIP) load.

${DATA_FLAGS}
  --eval-data PATH / --eval-emoji STYLE   held-out data, evaluated during and after training
  --out DIR          where checkpoints, metrics.jsonl and model/ go
  --preset NAME      tiny (width 64, 2 layers) or small (128, 4); default tiny
  --steps N          optimizer steps (default 300)       --batch-size N   (default 64 clip, 32 blip)
  --lr X             peak learning rate (default 2e-3 clip, 1e-3 blip)   --seed N  (default 0)
  --accum-freq K     clip: split each batch into K micro-batches, same gradient (default 1)
  --resume           continue from the newest checkpoint in DIR/checkpoints

Examples: glimpse train clip --emoji google --eval-emoji twitter --out runs/clip --steps 300
          glimpse train blip --data shapes/ --out runs/blip --steps 200`,
  allowPositionals: true,
  options: {
    data: { type: 'string' }, emoji: { type: 'string' }, images: { type: 'string' }, 'eval-data': { type: 'string' }, 'eval-emoji': { type: 'string' },
    out: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    seed: { type: 'string' }, 'accum-freq': { type: 'string' }, 'image-size': { type: 'string' }, resume: { type: 'boolean' },
  },
  async run(values, positionals) {
    const [kind] = positionals;
    if (kind !== 'clip' && kind !== 'blip') throw new UsageError(`glimpse train: say what to train: glimpse train clip|blip … (got ${kind === undefined ? 'nothing' : `'${kind}'`})`);
    const out = values['out'];
    if (typeof out !== 'string') throw new UsageError('glimpse train: --out is required (see glimpse train --help)');
    const preset = values['preset'] ?? 'tiny';
    if (preset !== 'tiny' && preset !== 'small') throw new UsageError(`glimpse train: --preset must be tiny or small, got ${String(preset)}`);
    const imageSize = integer('train', values, 'image-size', 32);
    const train = datasetFromFlags('train', values, '', imageSize);
    if (!train) throw new UsageError('glimpse train: give --data PATH or --emoji STYLE (see glimpse train --help)');
    const evalSet = datasetFromFlags('train', values, 'eval-', imageSize);
    const common = {
      train,
      ...(evalSet ? { eval: evalSet } : {}),
      outDir: out,
      preset,
      imageSize,
      steps: integer('train', values, 'steps', 300),
      lr: number('train', values, 'lr', kind === 'clip' ? 2e-3 : 1e-3),
      seed: seed('train', values),
      resume: values['resume'] === true,
    } as const;
    const result =
      kind === 'clip'
        ? await trainCLIPRecipe({
            ...common,
            batchSize: integer('train', values, 'batch-size', 64),
            accumFreq: integer('train', values, 'accum-freq', 1),
            ...(train.images[0]?.meta?.['category'] ? { labelKey: 'category' } : {}),
          })
        : await trainBLIPRecipe({ ...common, batchSize: integer('train', values, 'batch-size', 32) });
    console.log(`model written to ${result.modelDir}`);
    if (result.metrics) for (const [k, v] of Object.entries(result.metrics)) console.log(`  ${k.padEnd(22)} ${v.toFixed(4)}`);
  },
};
