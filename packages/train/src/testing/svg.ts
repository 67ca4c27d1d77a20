/**
 * Structural checks of SVG output for tests (not part of the build): parse as XML — xmldom
 * throws on anything not well-formed — and pick out Vega's marks by their class names.
 */
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

/** Parses SVG text as XML, throwing unless it is well-formed with an <svg> root in the SVG namespace. */
export function parseSvg(svg: string): Document {
  const doc = new DOMParser({
    onError: (level, msg) => {
      throw new Error(`SVG is not well-formed XML (${level}): ${msg}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (root?.tagName !== 'svg' || root.getAttribute('xmlns') !== 'http://www.w3.org/2000/svg') throw new Error(`not an SVG document: root <${root?.tagName}>`);
  return doc;
}

const elements = (doc: Document, tag: string): Element[] => Array.from(doc.getElementsByTagName(tag));

/** The <g> groups whose class list contains every one of `classes`. */
export const svgGroups = (doc: Document, ...classes: string[]): Element[] =>
  elements(doc, 'g').filter((g) => classes.every((c) => (g.getAttribute('class') ?? '').split(' ').includes(c)));

/** Text of the <text> elements under groups with these classes. */
export const svgTexts = (doc: Document, ...classes: string[]): (string | null)[] =>
  svgGroups(doc, ...classes).flatMap((g) => Array.from(g.getElementsByTagName('text')).map((t) => t.textContent));

/** Marks drawn as <path> under groups with these classes. */
export const svgPaths = (doc: Document, ...classes: string[]): Element[] => svgGroups(doc, ...classes).flatMap((g) => Array.from(g.getElementsByTagName('path')));
