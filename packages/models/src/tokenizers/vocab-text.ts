/**
 * WordPiece `vocab.txt`: one token per line, the line number (from 0) is the id, UTF-8, LF, a
 * trailing newline. The readers in the wild are lenient in different ways (Google strips each
 * line, Hugging Face only drops the "\n"), so a stray CR, a blank line or a duplicate would give
 * silently different ids in different tools. Here each of those is an error naming the file and
 * the line, so a broken file is caught where it is read, not as odd captions later.
 */

export function parseVocabText(text: string, source = 'vocab.txt'): string[] {
  if (text.length === 0) throw new Error(`${source}: empty vocabulary file`);
  if (text.charCodeAt(0) === 0xfeff) throw new Error(`${source}:1: starts with a byte-order mark (save the file as UTF-8 without BOM)`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the trailing newline ends the last line, it is not an empty token
  const firstSeen = new Map<string, number>();
  lines.forEach((token, i) => {
    const line = i + 1;
    if (token === '') throw new Error(`${source}:${line}: empty line (every line is one token; ids are line numbers)`);
    const ws = /\s/u.exec(token);
    if (ws) {
      const what = ws[0] === '\r' ? 'a carriage return (CRLF line endings?)' : `whitespace U+${ws[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new Error(`${source}:${line}: token ${JSON.stringify(token)} contains ${what}`);
    }
    const earlier = firstSeen.get(token);
    if (earlier !== undefined) throw new Error(`${source}:${line}: duplicate token ${JSON.stringify(token)} (first on line ${earlier})`);
    firstSeen.set(token, line);
  });
  return lines;
}

/** The inverse: tokens in id order, one a line, with a trailing newline. */
export function formatVocabText(tokens: readonly string[]): string {
  return tokens.map((t) => `${t}\n`).join('');
}
