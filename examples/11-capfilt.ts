// %% [markdown]
// # 11 · CapFilt: bootstrapping noisy captions with a captioner and a filter
//
// BLIP's authors pre-trained on 129M web images whose alt-texts are often wrong, and cleaned
// them with **CapFilt** (Li et al. 2022, §3.3): from a BLIP pre-trained on the noisy data, they
// fine-tune on a small human-annotated set (COCO)
//  - a **captioner** (the image-grounded decoder, LM loss) that writes one synthetic caption per
//    web image by *nucleus sampling*, and
//  - a **filter** (the image-grounded encoder, ITC + ITM losses) that keeps a web text or a
//    synthetic caption only when ITM says "match" (P(match) > 0.5);
// then pre-train a new model on human + kept web texts + kept synthetic captions. They never
// released that code, and on real web data nobody knows which captions were wrong. Here we do:
// the web captions come from a generator of coloured-shape scenes, and we falsify a stated
// fraction of them ourselves (another item's caption, or one colour / the relation / one shape
// changed), recording which, so the filter's precision and recall can be measured.
//
// Every stage below is a library function (`@glimpse/train/node`, packages/train/src/capfilt/)
// that reads what the previous one wrote into one directory, and the same stages run from the
// command line: `glimpse capfilt <stage> --out DIR`, or all of them with `glimpse capfilt --out
// DIR` (`pnpm capfilt` runs the full configuration, ~27 minutes on 2 cores; its measured results
// are in the README). This notebook runs a small configuration in a few minutes: too small for
// the models to learn much, so its numbers are near chance — it shows the machinery and the
// pictures. Run with `npx -y pnpm@12.4.2 example examples/11-capfilt.ts`; pictures go to
// `examples/out/`.

// %%
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CAPFILT_CONFIGS, capfiltBootstrap, capfiltCaption, capfiltData, capfiltEvaluate, capfiltFilter, capfiltFinetune, capfiltPaths, capfiltPretrain, capfiltReport,
  capfiltRetrain, captionGallery, filterScore, readCapFiltSplit, readJsonl, writePng, type BootstrappedRow, type CapFiltConfig, type FilteredRow,
} from '@glimpse/train/node';

const started = Date.now();
const out = new URL('./out/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'glimpse-11-'));
const quiet = { log: (line: string) => line.startsWith('capfilt') && !line.includes('started') && console.log(line) };

// A configuration between the test suite's `fast` (plumbing only) and the full run.
const config: CapFiltConfig = {
  ...CAPFILT_CONFIGS.fast,
  name: 'notebook',
  data: { ...CAPFILT_CONFIGS.fast.data, web: 240, human: 64, test: 64 },
  pretrain: { steps: 30, batchSize: 32, lr: 2e-3 },
  finetune: { ...CAPFILT_CONFIGS.fast.finetune, captionerSteps: 10, filterSteps: 20, batchSize: 32 },
  beamModel: false,
};

// %% [markdown]
// ## 1 · The data: a noisy web split, a clean human split, a clean test split
// One seeded draw of scenes, cut in three. The web captions are 40% false; each false one records
// its kind and the true caption it replaced. The files are ordinary caption files (`file,
// caption` as JSONL), so `glimpse train --data DIR/data/web.jsonl` could read them too.

// %%
await capfiltData(dir, config, quiet);
const data = join(dir, 'data');
const web = readCapFiltSplit(data, 'web');
for (const r of web.rows.slice(0, 6)) console.log(`${r.file}  "${r.caption}"${r.noise ? `   ← ${r.noise}: ${r.detail}` : ''}`);
writePng(
  join(out, '11-web-data.png'),
  captionGallery(
    web.rows.slice(0, 8).map((r, i) => ({ image: (web.dataset.images[i]!.ref as { image: never }).image, label: r.noise ? `noisy: ${r.noise}` : 'clean', generated: r.caption, references: [r.original ?? r.caption] })),
    { title: 'web split: the caption it comes with (blue) and what the image shows (ref)', captionChars: 28 },
  ),
);

// %% [markdown]
// ## 2 · Pre-train BLIP on web + human (this is also the baseline)
// ITC + ITM (hard negatives mined from the batch's ITC similarities) + LM, every loss weight
// λ = 1, from scratch with a WordPiece vocabulary learned from these captions. The model trained
// on raw data is the baseline the bootstrapped model is compared with, at the same budget.

// %%
await capfiltPretrain(dir, quiet);

// %% [markdown]
// ## 3 · Fine-tune a captioner and a filter on the human split
// Both start from the pre-trained model; the λ weights select the losses: the captioner trains
// the decoder only (λ_itc = λ_itm = 0, λ_lm = 1), the filter the image-grounded encoder's ITM
// (λ_itm = 1). BLIP's filter also keeps ITC (λ_itc = 1); at this scale that leaves ITM at its
// chance loss (ITC keeps mining negatives that differ from the positive in one word, too hard
// for an ITM starting from nothing), so Glimpse's configuration turns it off — `--filter-itc 1`
// on the command line runs the paper's setting.

// %%
await capfiltFinetune(dir, quiet);

// %% [markdown]
// ## 4 · Synthetic captions: nucleus sampling and, to compare, beam search
// One caption per web image. Nucleus sampling (top-p 0.9, seeded) draws from the model's
// distribution, so its captions differ from image to image and sometimes say something false;
// beam search returns the most likely caption, which is safe and repetitive. BLIP chose nucleus
// sampling because diverse captions bootstrap better, despite more noise.

// %%
const synthetic = await capfiltCaption(dir, quiet);
for (const s of synthetic.slice(0, 4)) console.log(`${s.file}  nucleus "${s.nucleus}"  beam "${s.beam}"`);

// %% [markdown]
// ## 5 · The filter: keep what ITM calls a match
// ITM P(match) of every web text and every synthetic caption with its image; kept when > 0.5.
// Since we know which web texts are false, the filter is a detector we can score.

// %%
const filtered: FilteredRow[] = await capfiltFilter(dir, quiet);
const score = filterScore(filtered.map((f) => f.web.noise), filtered.map((f) => f.web.keep));
console.log(`filter on web texts: precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)} (noise rate ${score.noiseRate.toFixed(3)})`);

// %% [markdown]
// ## 6 · The bootstrapped dataset, and a new model pre-trained on it
// Human pairs + kept web texts + kept synthetic captions, one row per caption with its origin.

// %%
await capfiltBootstrap(dir, quiet);
const rows = readJsonl<BootstrappedRow>(capfiltPaths(dir).bootstrapped);
console.log(rows.slice(0, 3), '…');
await capfiltRetrain(dir, quiet);

// %% [markdown]
// ## 7 · Evaluate both on the clean test split, and the report
// Retrieval R@K (ITC), ITM accuracy (own caption vs another's, and vs a subtly wrong one),
// captions by beam search (BLEU, CIDEr-D, share true of the scene). The report states the
// findings from the numbers, whatever their sign.

// %%
await capfiltEvaluate(dir, quiet);
const { report } = await capfiltReport(dir, quiet);
for (const f of ['gallery.png', 'filter.svg', 'synthetic.svg', 'downstream.svg']) writeFileSync(join(out, `11-${f}`), readFileSync(join(capfiltPaths(dir).report, f)));
console.log(`report: ${report}; pictures: examples/out/11-*`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
