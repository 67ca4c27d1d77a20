/**
 * The byte ↔ symbol table of byte-level BPE (GPT-2, CLIP).
 *
 * BPE works on strings, and a merges file is a text file of `left right` lines, so every byte
 * needs a visible, non-space character to stand for it. Bytes that are already printable
 * Latin-1 characters ('!'..'~', '¡'..'¬', '®'..'ÿ': 188 of them) stand for themselves; the
 * other 68 (controls, space, NBSP, soft hyphen) are given U+0100, U+0101, … in byte order.
 * So a space is 'Ġ' (U+0120) and a newline 'Ċ' (U+010A), and no symbol is ever a space, which
 * is what lets `left right` be split on its one space.
 */

function isPrintable(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

/** BYTE_TO_SYMBOL[b] is the one-character string standing for byte b. */
export const BYTE_TO_SYMBOL: readonly string[] = (() => {
  const table: string[] = [];
  let next = 0x100;
  for (let b = 0; b < 256; b++) table.push(String.fromCharCode(isPrintable(b) ? b : next++));
  return table;
})();

/** The inverse: symbol (one UTF-16 unit, all below U+0144) → byte. */
export const SYMBOL_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_SYMBOL.map((s, b) => [s, b]));

/**
 * The 256 byte symbols in the order CLIP's vocabulary lists them (ids 0..255): the printable
 * bytes first, ascending, then the remapped ones, ascending. (So 'a' is id 64, not 97.)
 */
export const BYTE_SYMBOLS_IN_VOCAB_ORDER: readonly string[] = [
  ...BYTE_TO_SYMBOL.filter((_, b) => isPrintable(b)),
  ...BYTE_TO_SYMBOL.filter((_, b) => !isPrintable(b)),
];

const encoder = new TextEncoder();

/** The UTF-8 bytes of `text`, each written as its symbol. */
export function toByteSymbols(text: string): string {
  let out = '';
  for (const b of encoder.encode(text)) out += BYTE_TO_SYMBOL[b]!;
  return out;
}

/** Bytes back from a string of symbols; `where` names the caller for the error on a stranger. */
export function fromByteSymbols(symbols: string, where: string): Uint8Array {
  const bytes = new Uint8Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const b = SYMBOL_TO_BYTE.get(symbols[i]!);
    if (b === undefined) throw new Error(`${where}: ${JSON.stringify(symbols[i])} (U+${symbols.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}) is not a byte symbol`);
    bytes[i] = b;
  }
  return bytes;
}
