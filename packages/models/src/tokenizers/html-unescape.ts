/**
 * `htmlUnescape`: character references → text, with the rules of Python's `html.unescape`
 * (which follows the HTML5 tokenizer's rules for valid *and* invalid references). CLIP cleans
 * every caption with it, so web text such as `fish &amp; chips` tokenizes as `fish & chips`.
 *
 * The facts it follows:
 * - A reference is `&#digits`, `&#xhex` or `&name` (1..32 characters, none of tab, newline,
 *   form feed, space, `<`, `&`, `#`, `;`), each optionally closed by `;`.
 * - Numbers: 0 → U+FFFD; 0x0D → CR; 0x80..0x9F → the Windows-1252 character of that byte
 *   (browsers do the same for pages that meant cp1252); surrogates and anything above
 *   U+10FFFF → U+FFFD; C0/C1 controls other than tab/LF/FF/CR, the noncharacters U+FDD0..FDEF
 *   and U+xFFFE/U+xFFFF → nothing; everything else → that code point.
 * - Names: the whole name if known; else the longest known prefix (only the legacy names,
 *   e.g. `&ampx` → `&x`, can match without `;`); else the text is left as it was.
 */
import { LEGACY, NAMED_REFERENCES } from './html-entities.js';

const REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Windows-1252 bytes 0x80..0x9F as code points (0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned and kept). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

let names: Map<string, string> | undefined;

/** name (with `;`, or without for the legacy ones) → text; built on first use. */
function namedReferences(): Map<string, string> {
  if (names) return names;
  names = new Map();
  for (const entry of NAMED_REFERENCES.split(/\s+/)) {
    if (!entry) continue;
    const [name, hex] = entry.split('=') as [string, string];
    names.set(`${name};`, String.fromCodePoint(...hex.split('+').map((h) => parseInt(h, 16))));
  }
  for (const name of LEGACY.split(/\s+/)) if (name) names.set(name, names.get(`${name};`)!);
  return names;
}

function isDroppedCodePoint(n: number): boolean {
  return (
    (n >= 0x01 && n <= 0x08) || n === 0x0b || (n >= 0x0e && n <= 0x1f) || (n >= 0x7f && n <= 0x9f) ||
    (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) === 0xfffe
  );
}

function numeric(digits: string, radix: number): string {
  // Long digit strings overflow to a huge float or Infinity: still "above U+10FFFF", as intended.
  const n = parseInt(digits, radix);
  if (n === 0) return '\uFFFD';
  if (n === 0x0d) return '\r';
  if (n >= 0x80 && n <= 0x9f) return String.fromCodePoint(CP1252_HIGH[n - 0x80]!);
  if ((n >= 0xd800 && n <= 0xdfff) || n > 0x10ffff) return '\uFFFD';
  if (isDroppedCodePoint(n)) return '';
  return String.fromCodePoint(n);
}

function replaceReference(match: string, body: string): string {
  if (body[0] === '#') {
    const hex = body[1] === 'x' || body[1] === 'X';
    return numeric(body.slice(hex ? 2 : 1).replace(/;$/, ''), hex ? 16 : 10);
  }
  const table = namedReferences();
  const whole = table.get(body);
  if (whole !== undefined) return whole;
  // Known names are ASCII, so a matching prefix has as many UTF-16 units as code points.
  for (let x = body.length - 1; x > 1; x--) {
    const text = table.get(body.slice(0, x));
    if (text !== undefined) return text + body.slice(x);
  }
  return match;
}

/** Python's `html.unescape(text)`. */
export function htmlUnescape(text: string): string {
  return text.includes('&') ? text.replace(REFERENCE, replaceReference) : text;
}
