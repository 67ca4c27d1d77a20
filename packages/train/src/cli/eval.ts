import { imagesInMemory } from '../data/in-memory.js';
import { evaluateCLIP } from '../recipes/clip-eval.js';
import { required, UsageError, type Command } from './args.js';
import { DATA_FLAGS, datasetFromFlags } from './datasets.js';
import { clipTextBatcher, loadCLIP } from './pretrained.js';

export const evalCommand: Command = {
  summary: 'evaluate a CLIP model: retrieval R@1/5/10 both ways (and zero-shot labels)',
  help: `glimpse eval --model DIR (--data PATH | --emoji STYLE) [--label-key KEY]

Scores every image against every caption of the dataset; prints R@1/5/10 image→text and
text→image beside chance, and, with --label-key (e.g. category for emoji), zero-shot top-1/top-5
among the dataset's label values.

  --model DIR        a CLIP directory
${DATA_FLAGS}
  --label-key KEY    a per-image label to classify zero-shot

Example: glimpse eval --model runs/clip/model --emoji twitter --label-key category`,
  options: { model: { type: 'string' }, data: { type: 'string' }, emoji: { type: 'string' }, images: { type: 'string' }, 'label-key': { type: 'string' }, 'image-size': { type: 'string' } },
  async run(values) {
    const dir = required('eval', values, 'model');
    const bundle = await loadCLIP('eval', dir);
    const loaded = datasetFromFlags('eval', values, '', bundle.model.config.vision_config.image_size);
    if (!loaded) throw new UsageError('glimpse eval: give --data PATH or --emoji STYLE (see glimpse eval --help)');
    const ds = imagesInMemory(loaded);
    const labelKey = typeof values['label-key'] === 'string' ? values['label-key'] : undefined;
    const { metrics } = evaluateCLIP(bundle.model, clipTextBatcher(bundle), bundle.processor, ds, labelKey ? { labelKey } : {});
    console.log(`${ds.name}: ${ds.images.length} images`);
    for (const [k, v] of Object.entries(metrics)) console.log(`  ${k.padEnd(22)} ${v.toFixed(4)}`);
  },
};
