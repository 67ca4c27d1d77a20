/**
 * BLIP's caption cleaning (`pre_caption` in salesforce/BLIP data/utils.py), applied to every
 * caption before tokenization in training and evaluation. Matching it keeps our token
 * statistics the ones the released checkpoints saw. Its steps, in order:
 *
 * 1. lower-case;
 * 2. each of . ! " ( ) * # : ; ~ becomes a space (commas, apostrophes, ? and - stay);
 * 3. every run of two or more whitespace characters becomes one space (a single tab or newline
 *    is left alone, as in the original);
 * 4. trailing newlines, then leading and trailing spaces, are stripped;
 * 5. if splitting on single spaces gives more than `maxWords` words, keep the first `maxWords`.
 *
 * "Whitespace" is Python's (the `\s` of its `re` module on str), not JavaScript's `\s`: it adds
 * U+001C..U+001F and U+0085 and does not include U+FEFF.
 *
 * The function's own default is 50 words; BLIP's COCO and Flickr caption datasets call it with
 * 30, so 30 is the default here.
 */

const STRIPPED = /[.!"()*#:;~]/g;
const PY_WS_RUN = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{2,}/gu;

/** Cleans a caption as BLIP's `pre_caption` does (see above) and keeps at most `maxWords` words (default 30). */
export function preCaption(caption: string, maxWords = 30): string {
  let text = caption.toLowerCase().replace(STRIPPED, ' ').replace(PY_WS_RUN, ' ');
  text = text.replace(/\n+$/, '').replace(/^ +| +$/g, '');
  const words = text.split(' ');
  return words.length > maxWords ? words.slice(0, maxWords).join(' ') : text;
}
