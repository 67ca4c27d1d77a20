/**
 * Decoding against PIL's `Image.open(f).convert('RGB')` (fixtures/images/reference.safetensors),
 * and every error path. PNG is exact. JPEG bounds are the measured maxima with jpeg-js 0.4.4
 * against PIL 9.4.0 / libjpeg-turbo (Debian 12); the remaining differences come from jpeg-js's
 * inverse DCT (jpeg-color.ts reproduces libjpeg's upsampling and colour conversion).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { decodeImage, sniffImageFormat } from './decode.js';
import { readImage } from './read-image.js';
import { fixtureBytes, imageReference, maxAbsDiff } from '../testing/image-fixtures.js';

const ref = imageReference();

// file, max |Glimpse − PIL| allowed (the measured maximum), what it covers
const FILES: [string, number, string][] = [
  ['coffee.png', 0, '8-bit RGB'],
  ['rgba.png', 0, 'RGBA: alpha dropped, colour under alpha 0 kept'],
  ['gray_alpha.png', 0, 'gray + alpha'],
  ['palette.png', 0, '4-bit palette with tRNS'],
  ['rgb_trns.png', 0, 'RGB with a tRNS colour (pngjs would blacken it)'],
  ['bilevel.png', 0, '1-bit gray'],
  ['gray16.png', 0, '16-bit gray: high byte (PIL 9.4 clips instead; see images.py)'],
  ['rgba16.png', 0, '16-bit RGBA: high byte'],
  ['interlaced.png', 0, 'Adam7-interlaced RGB, 13x11'],
  ['camera_gray.jpg', 1, 'grayscale JPEG'],
  ['chelsea.jpg', 3, 'progressive JPEG, 4:4:4'],
  ['astronaut.jpg', 3, 'baseline JPEG, 4:2:0'],
  ['coffee_420.jpg', 3, 'baseline JPEG, 4:2:0, odd size'],
  ['coffee_422.jpg', 3, 'baseline JPEG, 4:2:2, odd size'],
  ['cmyk.jpg', 1, 'Adobe CMYK JPEG, converted by jpeg-js'],
];

describe('decodeImage matches PIL convert("RGB")', () => {
  it.each(FILES)('%s within %i level(s): %s', (file, levels) => {
    const img = decodeImage(fixtureBytes(file), file);
    const expected = ref.tensors[`decode.${file}`]!;
    expect([img.height, img.width, 3]).toEqual(expected.shape);
    const err = maxAbsDiff(img.data, expected.data);
    console.info(`${file}: max ${err.max}, mean ${err.mean.toFixed(3)} levels vs PIL`);
    expect(err.max).toBeLessThanOrEqual(levels);
  });

  it('improves on jpeg-js alone, which replicates chroma (4:2:0 astronaut: 38 levels off PIL)', () => {
    const bytes = fixtureBytes('astronaut.jpg');
    const plain = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    const expected = ref.tensors['decode.astronaut.jpg']!.data;
    const before = maxAbsDiff(plain.data, expected);
    const after = maxAbsDiff(decodeImage(bytes).data, expected);
    expect(before.max).toBeGreaterThan(20);
    expect(after.mean).toBeLessThan(before.mean / 5);
  });

  it('sniffs the format from the magic bytes, not the name', () => {
    expect(sniffImageFormat(fixtureBytes('coffee.png'))).toBe('png');
    expect(sniffImageFormat(fixtureBytes('chelsea.jpg'))).toBe('jpeg');
    expect(sniffImageFormat(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-img-'));
    const misnamed = join(dir, 'really-a-jpeg.png');
    writeFileSync(misnamed, fixtureBytes('camera_gray.jpg'));
    expect(readImage(misnamed).width).toBe(128);
  });
});

// ---- error paths ----

/** A PNG chunk with its CRC. */
function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdr(width: number, height: number): Uint8Array {
  const body = new Uint8Array(13);
  const v = new DataView(body.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  body.set([8, 2, 0, 0, 0], 8);
  return chunk('IHDR', body);
}

describe('decodeImage errors name the source and the problem', () => {
  const png = fixtureBytes('coffee.png');
  const jpg = fixtureBytes('astronaut.jpg');
  const progressive = fixtureBytes('chelsea.jpg');
  const decode = (bytes: Uint8Array) => () => decodeImage(bytes, 'photos/x.img');

  it('empty and unknown files', () => {
    expect(decode(new Uint8Array(0))).toThrow(/decodeImage: photos\/x\.img: the file is empty/);
    expect(decode(Buffer.from('GIF89a\x01\x00\x01\x00'))).toThrow(/photos\/x\.img: GIF is not supported: only PNG and JPEG are \(the file starts with 47 49 46 38/);
    expect(decode(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 '))).toThrow(/WebP is not supported/);
    expect(decode(Buffer.from('hello, world'))).toThrow(/unknown format: only PNG and JPEG are \(the file starts with 68 65 6c 6c/);
    expect(() => decodeImage('coffee.png' as unknown as Uint8Array, 'name')).toThrow(/name: expected the file as a Uint8Array/);
  });

  it('truncated PNGs, cut anywhere', () => {
    for (const cut of [8, 20, 33, 100, png.length >> 1, png.length - 12, png.length - 1]) {
      expect(decode(png.subarray(0, cut)), `cut at ${cut}`).toThrow(/photos\/x\.img: PNG is truncated/);
    }
    expect(decode(png.subarray(0, 100))).toThrow(/chunk IDAT at byte \d+ needs \d+ bytes, the file ends at byte 100/);
  });

  it('corrupt PNGs: bad CRC, bad deflate data, broken chunk list, missing IHDR or IDAT', () => {
    const badCrc = png.slice();
    badCrc[200] ^= 0xff; // inside IDAT: its CRC no longer matches
    expect(decode(badCrc)).toThrow(/photos\/x\.img: PNG is corrupt: chunk IDAT at byte 33 fails its CRC check/);
    const idat = chunk('IDAT', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const end = chunk('IEND', new Uint8Array(0));
    expect(decode(cat(SIGNATURE, ihdr(4, 4), idat, end))).toThrow(/PNG is corrupt: the pixel data does not inflate \(zlib: .+\)/);
    // A valid deflate stream that stops early, in a well-formed file: pngjs alone returns black rows.
    const short = chunk('IDAT', deflateSync(new Uint8Array(3 * 13)));
    expect(decode(cat(SIGNATURE, ihdr(4, 4), short, end))).toThrow(/PNG is truncated: the pixel data inflates to 39 bytes, 4x4 needs 52/);
    const bits = ihdr(4, 4);
    bits[8 + 9] = 5; // colour type 5 does not exist
    bits.set(chunk('IHDR', bits.subarray(8, 21)));
    expect(decode(cat(SIGNATURE, bits, short, end))).toThrow(/colour type 5 does not exist/);
    expect(decode(cat(SIGNATURE, chunk('tEXt', new Uint8Array(13)), idat, end))).toThrow(/the first chunk is tEXt, not a 13-byte IHDR/);
    expect(decode(cat(SIGNATURE, ihdr(4, 4), end))).toThrow(/no IDAT chunk/);
    const garbage = png.slice();
    garbage.set([0, 0, 0, 5, 0x31, 0x32, 0x33, 0x34], 33); // the chunk after IHDR gets a non-letter type
    expect(decode(garbage)).toThrow(/PNG is corrupt: byte 33 does not start a chunk/);
  });

  it('zero-sized images', () => {
    const idat = chunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    const end = chunk('IEND', new Uint8Array(0));
    expect(decode(cat(SIGNATURE, ihdr(0, 5), idat, end))).toThrow(/PNG has zero size \(0x5\)/);
    const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    const zeroHigh = jpg.slice();
    zeroHigh[sof + 5] = 0;
    zeroHigh[sof + 6] = 0;
    expect(decode(zeroHigh)).toThrow(/photos\/x\.img: JPEG has zero size \(192x0\)/);
  });

  it('truncated JPEGs, baseline and progressive, cut anywhere', () => {
    for (const bytes of [jpg, progressive]) {
      for (const cut of [3, 10, 200, 700, bytes.length >> 1, bytes.length - 2]) {
        expect(decode(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(/photos\/x\.img: JPEG is truncated/);
      }
    }
    expect(decode(jpg.subarray(0, jpg.length >> 1))).toThrow(/no end-of-image marker after the image data/);
  });

  it('corrupt JPEGs: broken markers, a missing frame header, bad entropy data', () => {
    expect(decode(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toThrow(/JPEG is truncated|end-of-image marker before any image data/);
    expect(decode(new Uint8Array([0xff, 0xd8, 0xff, 0xd9, 0, 0]))).toThrow(/JPEG is corrupt: end-of-image marker before any image data/);
    const notMarker = jpg.slice();
    const app0End = 4 + ((jpg[4]! << 8) | jpg[5]!); // the segment after APP0 starts here
    notMarker[app0End] = 0x12;
    expect(decode(notMarker)).toThrow(new RegExp(`photos/x\\.img: JPEG is corrupt: expected a marker at byte ${app0End}`));
    const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    const noFrame = jpg.slice();
    noFrame[sof + 1] = 0xe5; // SOF0 → an APP5 segment of the same length
    expect(decode(noFrame)).toThrow(/JPEG is corrupt: no frame header \(SOF\)/);
    const sos = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xda);
    const scrambled = jpg.slice();
    scrambled.fill(0xff, sos + 20, sos + 60); // the Huffman data becomes a run of fill bytes
    expect(decode(scrambled)).toThrow(/photos\/x\.img: JPEG is corrupt \(jpeg-js: .+\)/);
  });

  it('JPEG variants jpeg-js cannot decode are refused by name', () => {
    const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    const arithmetic = jpg.slice();
    arithmetic[sof + 1] = 0xc9;
    expect(decode(arithmetic)).toThrow(/photos\/x\.img: arithmetic-coded JPEG is not supported/);
    const lossless = jpg.slice();
    lossless[sof + 1] = 0xc3;
    expect(decode(lossless)).toThrow(/lossless JPEG is not supported/);
    const twelveBit = jpg.slice();
    twelveBit[sof + 4] = 12;
    expect(decode(twelveBit)).toThrow(/12-bit JPEG is not supported/);
  });

  it('readImage names a file it cannot read', () => {
    expect(() => readImage('/nonexistent/cat.jpg')).toThrow(/readImage: cannot read \/nonexistent\/cat\.jpg/);
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-img-'));
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, png.subarray(0, 500));
    expect(() => readImage(cut)).toThrow(new RegExp(`decodeImage: ${cut.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: PNG is truncated`));
  });
});
