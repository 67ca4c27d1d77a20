/**
 * BERT's "basic" tokenization: everything before WordPiece. It follows Google's reference
 * `BasicTokenizer` (google-research/bert tokenization.py) with do_lower_case=True, step for step,
 * because every id a BERT checkpoint was trained on came out of exactly these steps:
 *
 * 1. clean: drop NUL, U+FFFD and control characters (Unicode category C*, except tab, newline and
 *    carriage return, which count as whitespace); turn whitespace (those three, space, and
 *    category Zs) into a space;
 * 2. put spaces around CJK ideographs, so each becomes its own word (the vocabulary holds them
 *    one character at a time; Hangul, kana etc. are ordinary letters and stay in words);
 * 3. split on whitespace; lower-case each word, then strip accents (NFD, drop category Mn);
 * 4. split every punctuation character off as its own word. "Punctuation" is Unicode P* plus
 *    all non-alphanumeric printable ASCII, so `$ + < = > ^ \` | ~` split too.
 *
 * Categories come from the JavaScript engine's Unicode tables, the reference's from Python's
 * `unicodedata`; the two agree except on characters assigned in one Unicode version and not the
 * other (the fixtures were made with Unicode 14.0).
 */

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

/**
 * Python's `str.split()` separators (Unicode White_Space plus the ASCII information separators
 * U+001C..U+001F). The reference splits words with it; after cleaning only space, U+2028 and
 * U+2029 can still occur (line/paragraph separators are category Zl/Zp: neither "control" nor
 * "whitespace" to the cleaner, yet they still separate words).
 */
export const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE_SEPARATOR.test(ch);
}

/** ASCII punctuation ranges count even where Unicode says symbol (Sm, Sc, Sk). */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCTUATION.test(ch);
}

/** The CJK Unified Ideographs blocks (and compatibility ideographs) the reference spaces out. */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Steps 1 and 2: drop invalid and control characters, normalise whitespace, space out CJK. */
export function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    if (isWhitespace(ch)) out += ' ';
    else if (isCjkIdeograph(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out;
}

/** NFD, then drop nonspacing marks: "café" → "cafe", "İ" (already lower-cased to i + U+0307) → "i". */
export function stripAccents(word: string): string {
  return word.normalize('NFD').replace(NONSPACING_MARK, '');
}

/** Step 4: "don't!" → ["don", "'", "t", "!"]. */
export function splitOnPunctuation(word: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** Options of `basicTokenize`. */
export interface BasicTokenizeOptions {
  /** Lower-case and strip accents (bert-base-uncased: true; a cased vocabulary wants false). */
  lowerCase?: boolean;
}

/** Text → the words WordPiece sees, exactly as the reference BasicTokenizer makes them. */
export function basicTokenize(text: string, { lowerCase = true }: BasicTokenizeOptions = {}): string[] {
  const out: string[] = [];
  for (let word of cleanText(text).split(PY_WHITESPACE)) {
    if (!word) continue;
    // Lower-casing first matters: it is what turns "İ" into "i" + a combining dot that NFD then drops.
    if (lowerCase) word = stripAccents(word.toLowerCase());
    for (const piece of splitOnPunctuation(word)) out.push(piece);
  }
  return out;
}
