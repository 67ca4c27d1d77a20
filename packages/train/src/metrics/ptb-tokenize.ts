/**
 * Caption tokenisation for BLEU and CIDEr the way pycocoevalcap prepares captions before scoring:
 * its PTBTokenizer runs Stanford CoreNLP's PTBTokenizer (3.4.1, `-preserveLines -lowerCase`)
 * and then drops the tokens in PUNCTUATIONS:
 *   '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;
 * The scorers then split on single spaces.
 *
 * This is a re-implementation of what that pipeline does to ordinary English captions, not a
 * full PTB tokenizer (that needs Java):
 * - lower-case; whitespace (newlines included) separates tokens;
 * - punctuation at the edges of a word is split off and, when it is in PUNCTUATIONS (or is a
 *   bracket or a double quote, which PTB turns into -LRB-/-RRB-/``/'' first), dropped;
 * - a word-final period is split off and dropped, except in letter-dot abbreviations such as
 *   "u.s." and "a.m."; periods and commas between digits stay ("3.5", "1,000");
 * - clitics are split as PTB does: "dog's" → dog 's, "don't" → do n't, "can't" → ca n't,
 *   "won't" → wo n't, "they're/'ve/'m/'ll/'d" → they 're …, "dogs'" → dogs (the ' is dropped);
 * - "$" and "#" before, "%" after a word become tokens of their own; hyphens and slashes inside a
 *   word stay ("t-shirt", "and/or"), a free-standing "-" or "--" is dropped.
 * Not reproduced: PTB's British→American respelling (americanize), "/" → "\/" escaping, and its
 * full abbreviation list. Where those matter the scores differ from pycocoevalcap's.
 */

/** pycocoevalcap's PUNCTUATIONS plus the raw characters PTB escapes into them. */
const DROPPED = new Set(["''", "'", '``', '`', '-lrb-', '-rrb-', '-lcb-', '-rcb-', '-lsb-', '-rsb-', '.', '?', '!', ',', ':', '-', '--', '...', ';', '"', '(', ')', '[', ']', '{', '}']);

const LEADING = /^(?:\.\.\.|--|[("'`[{$#])/;
const TRAILING = /(?:\.\.\.|--|[)"'`\]},;:!?%.])$/;
const ABBREVIATION = /^(?:[a-z]\.)+$/;

/** Splits one whitespace-free chunk into PTB-like tokens (punctuation still included). */
function splitChunk(chunk: string): string[] {
  const front: string[] = [];
  const back: string[] = [];
  let w = chunk;
  for (;;) {
    const m = LEADING.exec(w);
    if (!m || m[0].length === w.length) break;
    front.push(m[0]);
    w = w.slice(m[0].length);
  }
  for (;;) {
    if (ABBREVIATION.test(w)) break;
    const m = TRAILING.exec(w);
    if (!m || m[0].length === w.length) break;
    // A trailing ' is a plural possessive ("dogs'") or a closing quote: dropped either way.
    back.unshift(m[0]);
    w = w.slice(0, -m[0].length);
  }
  // Clitics.
  const clitic: string[] = [];
  let m: RegExpExecArray | null;
  if ((m = /^(.*[a-z])(n't)$/.exec(w))) {
    clitic.push(m[1]!, m[2]!); // can't → ca n't, won't → wo n't, as PTB
  } else if ((m = /^(.*[a-z0-9])('s|'re|'ve|'m|'ll|'d)$/.exec(w))) {
    clitic.push(m[1]!, m[2]!);
  } else {
    clitic.push(w);
  }
  // Commas inside a word split it unless they sit between digits ("1,000").
  const inner = clitic.flatMap((t) => t.split(/(?<![0-9]),|,(?![0-9])/).flatMap((p, i) => (i === 0 ? [p] : [',', p]))).filter((t) => t !== '');
  return [...front, ...inner, ...back];
}

/** "can't" → ["ca", "n't"] (PTB), "cannot" → ["can", "not"]. */
function fixSpecial(tokens: string[]): string[] {
  return tokens.flatMap((t) => (t === 'cannot' ? ['can', 'not'] : [t]));
}

/** The tokens pycocoevalcap scores for `caption` (see the file comment). */
export function ptbTokenize(caption: string): string[] {
  const tokens = caption
    .toLowerCase()
    .split(/\s+/)
    .filter((c) => c !== '')
    .flatMap(splitChunk);
  return fixSpecial(tokens).filter((t) => !DROPPED.has(t));
}

/** The tokenised caption as the scorers take it: tokens joined by single spaces. */
export function ptbTokenizeCaption(caption: string): string {
  return ptbTokenize(caption).join(' ');
}
