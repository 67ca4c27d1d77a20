/**
 * Problems found in data (an unreadable image, an empty caption, a malformed row): each one is
 * reported once with the file and line it came from, the row or image is skipped, and the counts
 * are summed up at the end — a bad file never stops an epoch halfway.
 */

/** One problem, located: `file:line: problem` (line when the source has lines). */
export interface DataIssue {
  /** The file the problem is in (the caption file for a bad row, the image for a bad image). */
  readonly file: string;
  /** 1-based line of the caption file's row, when there is one. */
  readonly line?: number;
  /** Where in a JSON file, e.g. 'annotations[12] (id 345)', when lines mean nothing. */
  readonly at?: string;
  /** What is wrong, e.g. 'empty caption', 'image not found: imgs/3.jpg'. */
  readonly problem: string;
}

/** `file:line: problem`, or `file (at): problem`. */
export function formatIssue(issue: DataIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}` : issue.at !== undefined ? `${issue.file} (${issue.at})` : issue.file;
  return `${where}: ${issue.problem}`;
}

/** Where issues go: a callback (default: console.warn of `formatIssue`). */
export type IssueHandler = (issue: DataIssue) => void;

/** The default handler: one warning line per issue. */
export const warnIssue: IssueHandler = (issue) => console.warn(`glimpse data: ${formatIssue(issue)}`);

/** Collects issues, passes each to a handler as it comes, and summarises them. */
export class IssueLog {
  readonly issues: DataIssue[] = [];

  constructor(private readonly handler: IssueHandler = warnIssue) {}

  /** Records and reports one issue. */
  add(issue: DataIssue): void {
    this.issues.push(issue);
    this.handler(issue);
  }

  get count(): number {
    return this.issues.length;
  }

  /** e.g. 'skipped 3 of 120 rows (2 empty captions, 1 image not found)', or '' when nothing was skipped. */
  summary(what: string, total: number): string {
    if (this.issues.length === 0) return '';
    const kinds = new Map<string, number>();
    for (const i of this.issues) {
      const kind = i.problem.replace(/:.*$/, '');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const detail = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
    return `skipped ${this.issues.length} of ${total} ${what} (${detail})`;
  }
}
