/**
 * Real images with human-written names that install with the project: the emoji-datasource
 * npm packages (iamcal/emoji-data). 1,911 emoji, each with a Unicode/CLDR name ("GRINNING
 * FACE", "Japan Flag"), a category (10) and subcategory (99), drawn in several art styles; Glimpse
 * uses two, Google's Noto (emoji-datasource-google) and Twitter's Twemoji
 * (emoji-datasource-twitter), so a model trained on one style can be evaluated on the other —
 * the same 1,911 concepts, captions and order, different artwork.
 *
 * Images: each package ships every emoji as one sprite sheet per size (img/<style>/sheets-clean/
 * {16,20,32,64}.png; cell = size + 2 with a 1-pixel transparent border; "clean" sheets hold only
 * that style's own art, no fallback from another vendor) and also as 64-pixel PNGs (img/<style>/64/).
 * One sheet decode is far cheaper than 1,911 file decodes (measured here: the 32-pixel sheet in
 * ~0.3 s, the 64-pixel one in ~0.8 s), so the builder cuts cells out of a sheet. Sizes 16, 20,
 * 32, 64 come straight from the artwork; any other size is resized (PIL-exact bicubic,
 * antialiased) from the 64-pixel sheet. Transparency is composited over `background` (white).
 * Install cost: each package is ~65 MB unpacked (a ~70 MB tarball, mostly the per-emoji PNGs and
 * the 64-pixel sheets) — they are devDependencies of @glimpse/train, installed for the workspace
 * and the demo but not for users of the published package.
 *
 * Licences (also in the README's credits): metadata MIT (iamcal/emoji-data); Google Noto Emoji
 * images Apache-2.0; Twitter Twemoji images CC-BY-4.0 (© Twitter, Inc and other contributors).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { resize, type RgbImage } from '@glimpse/models';
import type { CaptionDataset, CaptionedImage } from './dataset.js';
import { IssueLog, type IssueHandler } from './issues.js';
import { compositeRegion, decodePngRgba } from './png.js';

/** The two art styles whose packages Glimpse installs. */
export type EmojiStyle = 'google' | 'twitter';

/** Sizes the packages ship sheets for. */
export const EMOJI_SHEET_SIZES: readonly number[] = [16, 20, 32, 64];

/** One emoji's metadata (from the package's emoji.json). */
export interface EmojiRecord {
  /** Code points, e.g. '1F600'. */
  readonly unified: string;
  /** The name as shipped ('GRINNING FACE', 'Japan Flag'). */
  readonly name: string;
  readonly shortName: string;
  readonly category: string;
  readonly subcategory: string;
  readonly sheetX: number;
  readonly sheetY: number;
  readonly sortOrder: number;
  /** Whether the style has its own artwork for it. */
  readonly hasImage: boolean;
}

/** Options of `loadEmojiDataset`. */
export interface EmojiOptions {
  style: EmojiStyle;
  /** Side of the square images (default 32). */
  size?: number;
  /** 'name' (default): one caption, "a grinning face"; 'variants': that plus two more; or a function of the record. */
  captions?: 'name' | 'variants' | ((e: EmojiRecord) => string[]);
  /** RGB the transparent parts are composited over (default white). */
  background?: readonly [number, number, number];
  /** The package folder (default: resolved from node_modules). */
  packageDir?: string;
  onIssue?: IssueHandler;
}

/** Folder of emoji-datasource-<style>, resolved like an import from @glimpse/train. */
export function emojiPackageDir(style: EmojiStyle): string {
  if (style !== 'google' && style !== 'twitter') throw new Error(`emojiPackageDir: style must be 'google' or 'twitter', got ${JSON.stringify(style)}`);
  const pkg = `emoji-datasource-${style}`;
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`emoji data: the npm package ${pkg} is not installed (it is a devDependency of @glimpse/train: run pnpm install in the Glimpse workspace, or npm install ${pkg})`);
  }
}

/** The emoji of a style's package, in Unicode's order (sort_order), so both styles line up. */
export function loadEmojiRecords(style: EmojiStyle, packageDir = emojiPackageDir(style)): EmojiRecord[] {
  const file = join(packageDir, 'emoji.json');
  let raw: Record<string, unknown>[];
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
  } catch (e) {
    throw new Error(`loadEmojiRecords: cannot read ${file}: ${(e as Error).message}`);
  }
  return raw
    .map((e) => ({
      unified: String(e['unified']),
      name: String(e['name'] ?? ''),
      shortName: String(e['short_name'] ?? ''),
      category: String(e['category'] ?? ''),
      subcategory: String(e['subcategory'] ?? ''),
      sheetX: Number(e['sheet_x']),
      sheetY: Number(e['sheet_y']),
      sortOrder: Number(e['sort_order']),
      hasImage: e[`has_img_${style}`] === true,
    }))
    .sort((a, b) => a.sortOrder - b.sortOrder);
}

const AN_EXCEPTIONS = /^(uni|use|usa|u\.s\.|uk|eu|one|once|ura|uru|uzb|uga|ukr)/;
const SILENT_H = /^(hour|honest|honou?r|heir)/;
const PREPOSITIONS = new Set(['with', 'of', 'in', 'on', 'and', 'for', 'at', 'from', 'without']);

/** "GRINNING FACE" → "grinning face"; "MAN: RED HAIR" → "man with red hair"; "FAMILY: MAN, BOY" → "family: man, boy". */
export function emojiPhrase(e: Pick<EmojiRecord, 'name'>): string {
  let s = e.name.toLowerCase().replace(/’/g, "'").trim();
  s = s.replace(/^([^:]+): (.*(hair|beard|bald).*)$/, '$1 with $2').replace(/ with bald$/, ', bald');
  return s;
}

/** The caption "a grinning face", "the flag of japan", "crossed flags" (an article unless plural). */
export function emojiCaption(e: Pick<EmojiRecord, 'name' | 'subcategory'>): string {
  const phrase = emojiPhrase(e);
  if (e.subcategory === 'country-flag' || e.subcategory === 'subdivision-flag') return `the flag of ${phrase.replace(/ flag$/, '')}`;
  const words = phrase.split(/\s+/);
  const cut = words.findIndex((w, i) => i > 0 && PREPOSITIONS.has(w));
  const head = cut < 0 ? words : words.slice(0, cut);
  const last = head[head.length - 1]!.replace(/[^a-z]/g, '');
  const plural = /^(men|women|people|children)$/.test(head[0]!) || (/s$/.test(last) && !/(ss|us|is)$/.test(last) && last.length > 3);
  if (plural) return phrase;
  const an = (/^[aeiou]/.test(phrase) && !AN_EXCEPTIONS.test(phrase)) || SILENT_H.test(phrase);
  return `${an ? 'an' : 'a'} ${phrase}`;
}

/** Three captions: the plain one, "an emoji of …", and one with the subcategory and category. */
export function emojiCaptionVariants(e: EmojiRecord): string[] {
  const base = emojiCaption(e);
  return [base, `an emoji of ${base}`, `${base} (${e.subcategory.replace(/-/g, ' ')}, ${e.category.toLowerCase()})`];
}

/**
 * The emoji of one style as a CaptionDataset: images in memory (size × size RGB), captions from
 * the names, meta { name, category, subcategory, shortName, unified } for zero-shot labels.
 * Emoji the style has no artwork for are reported and left out (none in version 16.0.0).
 */
export function loadEmojiDataset(opts: EmojiOptions): CaptionDataset {
  const size = opts.size ?? 32;
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new Error(`loadEmojiDataset: size must be an integer in [1, 256], got ${size}`);
  const dir = opts.packageDir ?? emojiPackageDir(opts.style);
  const records = loadEmojiRecords(opts.style, dir);
  const sheetSize = EMOJI_SHEET_SIZES.includes(size) ? size : 64;
  const sheetFile = join(dir, 'img', opts.style, 'sheets-clean', `${sheetSize}.png`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(sheetFile);
  } catch (e) {
    throw new Error(`loadEmojiDataset: cannot read the sprite sheet ${sheetFile}: ${(e as Error).message}`);
  }
  const sheet = decodePngRgba(bytes, sheetFile);
  const background = opts.background ?? [255, 255, 255];
  const captionsOf = typeof opts.captions === 'function' ? opts.captions : opts.captions === 'variants' ? emojiCaptionVariants : (e: EmojiRecord) => [emojiCaption(e)];
  const issues = new IssueLog(opts.onIssue);
  const images: CaptionedImage[] = [];
  for (const e of records) {
    const left = e.sheetX * (sheetSize + 2) + 1;
    const top = e.sheetY * (sheetSize + 2) + 1;
    const at = `emoji ${e.unified} (${e.name})`;
    if (!e.hasImage) {
      issues.add({ file: join(dir, 'emoji.json'), at, problem: `no ${opts.style} artwork for this emoji` });
      continue;
    }
    let alpha = 0;
    for (let y = 0; y < sheetSize && alpha === 0; y++) for (let x = 0; x < sheetSize; x++) alpha += sheet.data[((top + y) * sheet.width + left + x) * 4 + 3]!;
    if (alpha === 0) {
      issues.add({ file: sheetFile, at, problem: 'empty sheet cell (no artwork)' });
      continue;
    }
    let image: RgbImage = compositeRegion(sheet, left, top, sheetSize, sheetSize, background);
    if (sheetSize !== size) image = resize(image, size, size, 'bicubic');
    images.push({
      id: e.unified,
      ref: { image },
      captions: captionsOf(e),
      meta: { name: e.name, category: e.category, subcategory: e.subcategory, shortName: e.shortName, unified: e.unified },
    });
  }
  return { name: `emoji-${opts.style}-${size}`, images, issues: issues.issues };
}
