import { caption as writeCaptions } from '@glimpse/models';
import { integer, seed, UsageError, type Command } from './args.js';
import { loadBLIP } from './blip-bundle.js';
import { readImageFile } from './pretrained.js';

export const captionCommand: Command = {
  summary: 'caption images with a BLIP model (beam search, or nucleus sampling)',
  help: `glimpse caption --model DIR [--sample] [--beams N] [--max-length N] [--prompt TEXT] [--seed N] FILE…

Writes one caption per image: beam search (3 beams, max 20 tokens, min 5) as BLIP evaluates, or
with --sample nucleus sampling (top-p 0.9, repetition penalty 1.1) as CapFilt's captioner does.

  --model DIR        a BLIP directory (glimpse train blip's model/, or HF BlipForConditionalGeneration)
  --sample           nucleus sampling instead of beam search (seeded by --seed, default 0)
  --beams N          beam width (default 3; 1 = greedy)
  --max-length N     longest caption in tokens, prompt included (default 20)
  --prompt TEXT      text the caption continues (default: none for models trained here)

Example: glimpse caption --model runs/blip/model cat.png dog.jpg`,
  allowPositionals: true,
  options: { model: { type: 'string' }, sample: { type: 'boolean' }, beams: { type: 'string' }, 'max-length': { type: 'string' }, prompt: { type: 'string' }, seed: { type: 'string' } },
  async run(values, files) {
    if (typeof values['model'] !== 'string') throw new UsageError('glimpse caption: --model is required (see glimpse caption --help)');
    if (files.length === 0) throw new UsageError('glimpse caption: give one or more image files');
    const images = files.map((f) => readImageFile('caption', f));
    const bundle = await loadBLIP('caption', values['model'], 'caption');
    const { pixelValues } = bundle.processor.process(images);
    const captions = writeCaptions(bundle.model as never, pixelValues, bundle.tokenizer, {
      prompt: typeof values['prompt'] === 'string' ? values['prompt'] : '',
      ...(values['sample'] ? { sample: true, seed: seed('caption', values) } : { numBeams: integer('caption', values, 'beams', 3) }),
      maxLength: integer('caption', values, 'max-length', 20),
    });
    files.forEach((f, i) => console.log(`${f}\t${captions[i]}`));
  },
};
