import { itmScore } from '@glimpse/models';
import { required, UsageError, type Command } from './args.js';
import { loadBLIP } from './blip-bundle.js';
import { readImageFile } from './pretrained.js';

export const itmCommand: Command = {
  summary: 'score how well texts match an image with BLIP’s ITM head (P(match))',
  help: `glimpse itm --model DIR --image FILE --text "…" [--text "…"…]

Prints P(match) for each text: the softmax of BLIP's image-text matching head, which CapFilt's
filter thresholds at 0.5 (above: keep the pair).

  --model DIR     a BLIP directory (glimpse train blip's model/, or HF BlipForImageTextRetrieval)
  --image FILE    a PNG or JPEG
  --text TEXT     a caption to score (repeatable)

Example: glimpse itm --model runs/blip/model --image cat.png --text "a cat" --text "a car"`,
  options: { model: { type: 'string' }, image: { type: 'string' }, text: { type: 'string', multiple: true } },
  async run(values) {
    const dir = required('itm', values, 'model');
    const image = readImageFile('itm', required('itm', values, 'image'));
    const texts = (values['text'] as string[] | undefined) ?? [];
    if (texts.length === 0) throw new UsageError('glimpse itm: give at least one --text');
    const bundle = await loadBLIP('itm', dir, 'itm');
    const { pixelValues } = bundle.processor.process(image);
    const probs = itmScore(bundle.model as never, pixelValues, texts, bundle.tokenizer, bundle.itmFirstToken !== undefined ? { firstTokenId: bundle.itmFirstToken } : {});
    texts.forEach((t, i) => console.log(`${probs[i]!.toFixed(4)}\t${probs[i]! > 0.5 ? 'match' : 'no match'}\t${t}`));
  },
};
