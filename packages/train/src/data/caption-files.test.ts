import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaptionFile, loadCaptionFolder } from './caption-files.js';
import { loadCocoCaptions } from './coco.js';
import { formatIssue, type DataIssue } from './issues.js';

const fixtures = new URL('../../../../fixtures/images/', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'glimpse-captions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(tmp, 'imgs'));
  for (const f of ['coffee.png', 'chelsea.jpg', 'astronaut.jpg']) copyFileSync(new URL(f, fixtures), join(tmp, 'imgs', f));
});

function collect() {
  const issues: DataIssue[] = [];
  const logs: string[] = [];
  return { issues, logs, opts: { onIssue: (i: DataIssue) => issues.push(i), log: (l: string) => logs.push(l) } };
}

describe('loadCaptionFile: CSV', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, groups captions by image', () => {
    const file = join(tmp, 'good.csv');
    writeFileSync(
      file,
      '\uFEFFfile,caption\r\n' +
        'imgs/coffee.png,"a cup of coffee, on a saucer"\r\n' +
        'imgs/chelsea.jpg,"a cat called ""Chelsea"""\r\n' +
        'imgs/coffee.png,"a white cup\nwith a spoon"\r\n' +
        'imgs/astronaut.jpg,an astronaut\r\n',
    );
    const c = collect();
    const ds = loadCaptionFile(file, c.opts);
    expect(c.issues).toEqual([]);
    expect(c.logs).toEqual([]);
    expect(ds.images.map((i) => i.id)).toEqual(['imgs/coffee.png', 'imgs/chelsea.jpg', 'imgs/astronaut.jpg']);
    expect(ds.images[0]!.captions).toEqual(['a cup of coffee, on a saucer', 'a white cup\nwith a spoon']);
    expect(ds.images[1]!.captions).toEqual(['a cat called "Chelsea"']);
    expect(ds.images[0]!.origins!.map((o) => o.line)).toEqual([2, 4]);
    expect(ds.images[2]!.origins![0]!.line).toBe(6);
    expect((ds.images[0]!.ref as { path: string }).path).toBe(join(tmp, 'imgs', 'coffee.png'));
  });

  it('reports bad rows with file and line, skips them, and sums them up; never throws', () => {
    const file = join(tmp, 'bad.csv');
    writeFileSync(
      file,
      [
        'image,text', // 1: other accepted column names
        'imgs/coffee.png,a cup', // 2
        'imgs/chelsea.jpg,', // 3: empty caption
        'imgs/missing.jpg,a ghost', // 4: no such file
        'imgs/astronaut.jpg,"   "', // 5: blank caption
        'imgs/chelsea.jpg,"a "bad" quote"', // 6: malformed quoting
        ',no file', // 7
        'imgs/chelsea.jpg,a cat', // 8
      ].join('\n') + '\n',
    );
    const c = collect();
    const ds = loadCaptionFile(file, c.opts);
    expect(ds.images.map((i) => [i.id, i.captions])).toEqual([
      ['imgs/coffee.png', ['a cup']],
      ['imgs/chelsea.jpg', ['a cat']],
    ]);
    expect(c.issues.map(formatIssue)).toEqual([
      `${file}:6: malformed CSV row: Invalid Closing Quote: got "b" instead of delimiter, record delimiter, trimable character (if activated) or comment`,
      `${file}:3: empty caption`,
      `${file}:4: image not found: imgs/missing.jpg`,
      `${file}:5: empty caption`,
      `${file}:7: no image file named in this row`,
    ]);
    expect(ds.issues.length).toBe(5);
    expect(c.logs).toEqual([`glimpse data: ${file}: skipped 5 of 7 rows (1 malformed CSV row, 2 empty caption, 1 image not found, 1 no image file named in this row); kept 2 captions of 2 images`]);
  });

  it('reads a headerless file as file,caption and a TSV by its extension', () => {
    writeFileSync(join(tmp, 'plain.csv'), 'imgs/coffee.png,coffee\nimgs/chelsea.jpg,a cat\n');
    expect(loadCaptionFile(join(tmp, 'plain.csv'), collect().opts).images.map((i) => i.captions[0])).toEqual(['coffee', 'a cat']);
    writeFileSync(join(tmp, 'x.tsv'), 'file\tcaption\nimgs/coffee.png\tcoffee, black\n');
    expect(loadCaptionFile(join(tmp, 'x.tsv'), collect().opts).images[0]!.captions).toEqual(['coffee, black']);
  });

  it('names the problem when the file itself is wrong', () => {
    expect(() => loadCaptionFile(join(tmp, 'nope.csv'))).toThrow(/cannot read .*nope\.csv/);
    writeFileSync(join(tmp, 'cols.csv'), 'file,label\nimgs/coffee.png,x\n');
    expect(() => loadCaptionFile(join(tmp, 'cols.csv'), { header: true })).toThrow(/names no caption column/);
    writeFileSync(join(tmp, 'x.txt'), '');
    expect(() => loadCaptionFile(join(tmp, 'x.txt'))).toThrow(/pass format: 'csv' or 'jsonl'/);
  });
});

describe('loadCaptionFile: JSONL, and loadCaptionFolder', () => {
  it('reads one object per line (caption lists too), reporting bad lines', () => {
    const dir = join(tmp, 'folder');
    mkdirSync(join(dir, 'imgs'), { recursive: true });
    copyFileSync(new URL('coffee.png', fixtures), join(dir, 'imgs', 'coffee.png'));
    copyFileSync(new URL('chelsea.jpg', fixtures), join(dir, 'imgs', 'chelsea.jpg'));
    writeFileSync(
      join(dir, 'metadata.jsonl'),
      [
        '{"file_name": "imgs/coffee.png", "text": "coffee"}',
        '',
        '{"file_name": "imgs/chelsea.jpg", "text": ["a cat", "a tabby cat", ""]}',
        '{"file_name": "imgs/chelsea.jpg", "text": 7}',
        '{not json',
        '["a", "list"]',
      ].join('\n'),
    );
    const c = collect();
    const ds = loadCaptionFolder(dir, c.opts);
    expect(ds.name).toBe('folder');
    expect(ds.images.map((i) => i.captions)).toEqual([['coffee'], ['a cat', 'a tabby cat']]);
    expect(c.issues.map((i) => [i.line, i.problem.replace(/:.*/, '')])).toEqual([
      [5, 'malformed JSON line'],
      [6, 'malformed JSON line'],
      [3, 'empty caption'],
      [4, 'caption is not text (7)'],
    ]);
  });

  it('says what it looked for in a folder without a caption file', () => {
    mkdirSync(join(tmp, 'empty'), { recursive: true });
    expect(() => loadCaptionFolder(join(tmp, 'empty'))).toThrow(/no caption file \(looked for captions\.csv, captions\.tsv, captions\.jsonl, metadata\.csv, metadata\.jsonl\)/);
  });
});

describe('loadCocoCaptions', () => {
  it('reads COCO captions JSON, keeping several captions per image', () => {
    const file = join(tmp, 'captions_val.json');
    writeFileSync(
      file,
      JSON.stringify({
        images: [
          { id: 1, file_name: 'imgs/coffee.png' },
          { id: 2, file_name: 'imgs/chelsea.jpg' },
          { id: 3, file_name: 'imgs/gone.jpg' },
          { id: 4, file_name: 'imgs/astronaut.jpg' },
        ],
        annotations: [
          { id: 10, image_id: 1, caption: 'A cup of coffee.' },
          { id: 11, image_id: 2, caption: 'A cat.' },
          { id: 12, image_id: 1, caption: 'Coffee on a saucer.' },
          { id: 13, image_id: 2, caption: '  ' },
          { id: 14, image_id: 9, caption: 'orphan' },
          { id: 15, image_id: 3, caption: 'a missing image' },
        ],
      }),
    );
    const c = collect();
    const ds = loadCocoCaptions(file, c.opts);
    expect(ds.images.map((i) => [i.id, i.captions])).toEqual([
      ['1', ['A cup of coffee.', 'Coffee on a saucer.']],
      ['2', ['A cat.']],
    ]);
    expect(c.issues.map(formatIssue)).toEqual([
      `${file} (annotations[3] (id 13)): empty caption`,
      `${file} (annotations[4] (id 14)): annotation of unknown image_id 9`,
      `${file} (images[2] (id 3)): image not found: imgs/gone.jpg (1 captions skipped)`,
    ]);
    expect(c.logs[0]).toMatch(/1 images have no usable caption/);
    expect(c.logs[1]).toMatch(/skipped 3 of 6 entries .* kept 3 captions of 2 images/);
  });

  it('reads the Karpathy-style list BLIP ships', () => {
    const file = join(tmp, 'karpathy.json');
    writeFileSync(file, JSON.stringify([{ image: 'imgs/coffee.png', caption: ['a cup', 'coffee'] }, { image: 'imgs/chelsea.jpg', caption: 'a cat' }, { caption: 'no image' }]));
    const c = collect();
    const ds = loadCocoCaptions(file, c.opts);
    expect(ds.images.map((i) => i.captions)).toEqual([['a cup', 'coffee'], ['a cat']]);
    expect(c.issues.map((i) => i.at)).toEqual(['[2]']);
  });
});
