import { DEFAULT_TEMPLATES, zeroShotClassify } from '@glimpse/models';
import { required, UsageError, type Command } from './args.js';
import { clipTextBatcher, loadCLIP, readImageFile } from './pretrained.js';

export const zeroshot: Command = {
  summary: 'classify images among labels with a CLIP model, no training',
  help: `glimpse zeroshot --model DIR --image FILE [--image FILE…] --labels a,b,c [--template "a photo of a {}."…] [--top-k K]

Embeds every label in each prompt template (default: 8 of OpenAI's templates), averages, and
ranks the labels for each image by 100 · cosine similarity (softmax probabilities).

  --model DIR      a CLIP directory (Hugging Face layout, or written by glimpse train clip)
  --image FILE     a PNG or JPEG (repeatable)
  --labels LIST    comma-separated class names
  --template T     a prompt with {} for the label (repeatable)
  --top-k K        labels to print per image (default: all)

Example: glimpse zeroshot --model out/clip --image cat.png --labels "cat,dog,car"`,
  options: { model: { type: 'string' }, image: { type: 'string', multiple: true }, labels: { type: 'string' }, template: { type: 'string', multiple: true }, 'top-k': { type: 'string' } },
  async run(values) {
    const dir = required('zeroshot', values, 'model');
    const images = (values['image'] as string[] | undefined) ?? [];
    if (images.length === 0) throw new UsageError('glimpse zeroshot: give at least one --image');
    const labels = required('zeroshot', values, 'labels').split(',').map((l) => l.trim()).filter(Boolean);
    if (labels.length < 2) throw new UsageError('glimpse zeroshot: --labels needs at least two comma-separated labels');
    const templates = (values['template'] as string[] | undefined) ?? DEFAULT_TEMPLATES;
    if (templates.some((t) => !t.includes('{}'))) throw new UsageError('glimpse zeroshot: every --template needs a {} where the label goes');
    const topK = values['top-k'] === undefined ? labels.length : Number(values['top-k']);
    const decoded = images.map((p) => readImageFile('zeroshot', p));
    const bundle = await loadCLIP('zeroshot', dir);
    const { pixelValues } = bundle.processor.process(decoded);
    const results = zeroShotClassify(bundle.model, clipTextBatcher(bundle), pixelValues, labels, { templates, topK });
    results.forEach((ranked, i) => {
      console.log(images[i]);
      for (const r of ranked) console.log(`  ${(r.probability * 100).toFixed(1).padStart(5)}%  ${r.label}`);
    });
  },
};
