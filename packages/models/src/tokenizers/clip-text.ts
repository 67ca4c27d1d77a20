/**
 * CLIP's text cleaning and pre-tokenisation (the steps before BPE), as in OpenAI's
 * `simple_tokenizer.py`:
 *
 *   clean = lower(collapse_whitespace(strip(unescape(unescape(fix_text(text))))))
 *   words = the matches of SPLIT in clean
 *
 * `fix_text` is ftfy's mojibake/ligature repair. It is *not* applied here: ftfy is a large
 * heuristic library, and the shared reference fixtures were produced with `ftfy.fix_text`
 * stubbed as the identity, so skipping it is what matches them. Text that ftfy would change
 * (mojibake, ligatures such as 'ﬁ', full-width forms, curly quotes, non-NFC text) can therefore
 * tokenize differently from OpenAI's tokenizer run with ftfy installed.
 *
 * Unescaping twice is deliberate upstream: web captions are often escaped twice (`&amp;amp;`).
 */
import { htmlUnescape } from './html-unescape.js';

/**
 * What counts as white space. Python's `regex` module (which CLIP uses) reads `\s` as the
 * Unicode White_Space property; JavaScript's `\s` differs (it adds U+FEFF and omits U+0085),
 * so the property is spelled out.
 */
const WHITESPACE_RUN = /\p{White_Space}+/gu;

/** Python's `str.strip()`: White_Space plus the four information separators U+001C..U+001F. */
const STRIP_EDGES = /^[\p{White_Space}\x1c-\x1f]+|[\p{White_Space}\x1c-\x1f]+$/gu;

/**
 * The word pattern: the two special tokens, English contractions, runs of letters, single
 * digits (so numbers are spelt digit by digit) and runs of anything else that is not white
 * space.
 *
 * Upstream compiles it with re.IGNORECASE. The text is lower-cased first, so that flag can
 * only matter through Unicode case equivalents, and over every code point it changes exactly
 * two things, spelt out here instead of using JavaScript's `i` flag (whose class semantics
 * differ): 'ſ' (U+017F, long s) also matches the literal 's', and U+0345 (combining
 * ypogegrammeni, a mark whose case equivalent is the letter ι) matches no alternative at all,
 * so it is dropped from the text. Under JavaScript's `iu` it would join a letter run instead.
 */
export const CLIP_SPLIT = /<\|[sſ]tartoftext\|>|<\|endoftext\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}\u0345]+/gu;

/** Cleaned caption text, exactly what CLIP feeds to the word pattern (ftfy aside, see above). */
export function cleanClipText(text: string): string {
  const unescaped = htmlUnescape(htmlUnescape(text)).replace(STRIP_EDGES, '');
  return unescaped.replace(WHITESPACE_RUN, ' ').replace(STRIP_EDGES, '').toLowerCase();
}

/** The words of already-cleaned text, in order. */
export function splitClipWords(cleaned: string): string[] {
  return cleaned.match(CLIP_SPLIT) ?? [];
}
