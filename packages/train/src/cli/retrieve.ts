import { retrieve as rank } from '@glimpse/models';
import { integer, required, UsageError, type Command } from './args.js';
import { clipTextBatcher, loadCLIP, readImageFile } from './pretrained.js';

export const retrieve: Command = {
  summary: 'search images by text (or texts by image) with a CLIP model',
  help: `glimpse retrieve --model DIR (--query TEXT | --query-image FILE) (--images FILE… | --texts "a,b,c") [--top-k K]

Ranks the gallery by cosine similarity to the query in CLIP's joint space.

  --model DIR          a CLIP directory
  --query TEXT         a text query (repeatable)       --query-image FILE  an image query (repeatable)
  --images FILE        gallery images (repeatable)     --texts LIST        gallery texts, | separated
  --top-k K            results per query (default 5)

Example: glimpse retrieve --model out/clip --query "a red circle" --images a.png --images b.png`,
  options: {
    model: { type: 'string' }, query: { type: 'string', multiple: true }, 'query-image': { type: 'string', multiple: true },
    images: { type: 'string', multiple: true }, texts: { type: 'string' }, 'top-k': { type: 'string' },
  },
  async run(values) {
    const dir = required('retrieve', values, 'model');
    const queryTexts = (values['query'] as string[] | undefined) ?? [];
    const queryImages = (values['query-image'] as string[] | undefined) ?? [];
    const galleryImages = (values['images'] as string[] | undefined) ?? [];
    const galleryTexts = typeof values['texts'] === 'string' ? values['texts'].split('|').map((t) => t.trim()).filter(Boolean) : [];
    if ((queryTexts.length > 0) === (queryImages.length > 0)) throw new UsageError('glimpse retrieve: give --query or --query-image (one kind)');
    if ((galleryImages.length > 0) === (galleryTexts.length > 0)) throw new UsageError('glimpse retrieve: give --images or --texts as the gallery (one kind)');
    const topK = integer('retrieve', values, 'top-k', 5);
    const bundle = await loadCLIP('retrieve', dir);
    const pixels = (files: string[]) => bundle.processor.process(files.map((f) => readImageFile('retrieve', f))).pixelValues;
    const query = queryTexts.length ? { texts: queryTexts } : { pixelValues: pixels(queryImages) };
    const gallery = galleryTexts.length ? { texts: galleryTexts } : { pixelValues: pixels(galleryImages) };
    const names = galleryTexts.length ? galleryTexts : galleryImages;
    rank(bundle.model, clipTextBatcher(bundle), query, gallery, { topK }).forEach((hits, i) => {
      console.log(queryTexts[i] ?? queryImages[i]);
      for (const h of hits) console.log(`  ${h.score.toFixed(4)}  ${names[h.index]}`);
    });
  },
};
