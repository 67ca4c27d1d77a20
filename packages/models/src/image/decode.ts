/**
 * PNG and JPEG bytes → RgbImage, the way PIL's `Image.open(f).convert('RGB')` sees them.
 *
 * Node only (exported from `@glimpse/models/node`): pngjs's decoder requires Node's `zlib`,
 * `stream`, `util`, `assert` and `buffer` (lib/parser-sync.js, lib/sync-inflate.js), so it
 * cannot sit in the browser-safe core. In a browser, let the browser decode
 * (`createImageBitmap` → canvas → `getImageData`) and pass the RGBA to `fromRgba` — that too
 * drops alpha like PIL.
 *
 * PNG (pngjs): every colour type and depth. Gray and gray+alpha are replicated to R = G = B;
 * palette colours are looked up; alpha (an alpha channel, or tRNS) is dropped, never
 * composited. 16-bit samples keep their high byte (v >> 8), as PIL does for 16-bit RGB(A);
 * for 16-bit gray, PIL 9.4 instead clips values above 255 (mode 'I' → 'L'), which whitens
 * almost the whole image — a quirk Glimpse does not copy. 1/2/4-bit gray scale to 0..255
 * exactly as PIL does (×255, ×85, ×17). Gamma, ICC and EXIF are ignored, as by PIL.
 * JPEG (jpeg-js for the entropy decoding and IDCT, jpeg-color.ts for libjpeg's chroma
 * upsampling and YCbCr → RGB): baseline and progressive, gray, YCbCr, RGB and (Adobe)
 * CMYK/YCCK, converted to RGB; 12-bit, lossless and arithmetic-coded JPEGs are refused.
 * jpeg-js's IDCT is not libjpeg's: pixels differ from PIL's by a few levels (measured in
 * decode.test.ts). EXIF orientation is not applied (neither does Image.open).
 *
 * Every failure names the source and the problem: empty, not PNG/JPEG (naming GIF, WebP, … when
 * recognised), truncated, zero-sized, corrupt (the decoder's own message kept).
 */
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import type { RgbImage } from './image.js';
import { libjpegColor, type JpegSampling } from './jpeg-color.js';

/** The file formats `decodeImage` reads. */
export type ImageFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** 'png' or 'jpeg' from the magic bytes (PNG's 8-byte signature, JPEG's FF D8 FF), else undefined. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/** Names formats people commonly hand over by mistake, for the error message. */
function otherFormat(b: Uint8Array): string | undefined {
  const s = ascii(b, 0, Math.min(b.length, 12));
  if (s.startsWith('GIF87a') || s.startsWith('GIF89a')) return 'GIF';
  if (s.startsWith('RIFF') && s.slice(8, 12) === 'WEBP') return 'WebP';
  if (s.startsWith('BM')) return 'BMP';
  if (s.startsWith('II*\0') || s.startsWith('MM\0*')) return 'TIFF';
  if (s.slice(4, 8) === 'ftyp') return 'HEIF/AVIF';
  if (s.startsWith('<svg') || s.startsWith('<?xml')) return 'SVG/XML';
  if (s.startsWith('%PDF')) return 'PDF';
  return undefined;
}

type Fail = (problem: string) => never;

const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) + b[i + 1]!;

/** Decodes PNG or JPEG bytes (format from the magic bytes); `source` (a path) names the file in errors. */
export function decodeImage(bytes: Uint8Array, source = 'image bytes'): RgbImage {
  const fail: Fail = (problem) => {
    throw new Error(`decodeImage: ${source}: ${problem}`);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected the file as a Uint8Array (or Buffer)');
  if (bytes.length === 0) fail('the file is empty (0 bytes)');
  const format = sniffImageFormat(bytes);
  if (format === 'png') return decodePng(bytes, fail);
  if (format === 'jpeg') return decodeJpeg(bytes, fail);
  const other = otherFormat(bytes);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return fail(`${other ? `${other} is not supported` : 'unknown format'}: only PNG and JPEG are (the file starts with ${head})`);
}

// ---- PNG ----

interface Chunk {
  type: string;
  start: number;
  end: number;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC: reflected, polynomial 0xEDB88320), as PNG chunks carry it. */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Walks the chunk list, checking each CRC, so that truncation, corruption and a missing
 * IHDR/IDAT/IEND get plain messages (pngjs says "There are some read requests waiting on
 * finished stream" for a cut file, and a bad CRC surfaces as "unrecognised content at end of
 * stream"). */
function scanPng(b: Uint8Array, fail: Fail): { chunks: Chunk[]; width: number; height: number; depth: number; colorType: number } {
  const chunks: Chunk[] = [];
  let pos = 8;
  for (;;) {
    if (pos + 8 > b.length) fail(`PNG is truncated: ${b.length} bytes, and no IEND chunk (the file is cut short)`);
    const length = u32(b, pos);
    const type = ascii(b, pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) fail(`PNG is corrupt: byte ${pos} does not start a chunk`);
    const end = pos + 12 + length;
    if (end > b.length) fail(`PNG is truncated: chunk ${type} at byte ${pos} needs ${length + 12} bytes, the file ends at byte ${b.length}`);
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13)) fail(`PNG is corrupt: the first chunk is ${type}, not a 13-byte IHDR`);
    if (crc32(b.subarray(pos + 4, end - 4)) !== u32(b, end - 4)) fail(`PNG is corrupt: chunk ${type} at byte ${pos} fails its CRC check`);
    chunks.push({ type, start: pos, end });
    pos = end;
    if (type === 'IEND') break;
  }
  if (!chunks.some((c) => c.type === 'IDAT')) fail('PNG is corrupt: no IDAT chunk (no pixel data)');
  const width = u32(b, 16);
  const height = u32(b, 20);
  if (width === 0 || height === 0) fail(`PNG has zero size (${width}x${height})`);
  return { chunks, width, height, depth: b[24]!, colorType: b[25]! };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/**
 * Inflates the pixel data once to check it: pngjs's synchronous inflate (a patch on Node's zlib
 * internals) returns zeros instead of failing on a broken or short deflate stream, which would
 * turn a corrupt file into a black image.
 */
function checkPixelData(b: Uint8Array, info: ReturnType<typeof scanPng>, fail: Fail): void {
  const channels = CHANNELS[info.colorType];
  if (channels === undefined) fail(`PNG is corrupt: colour type ${info.colorType} does not exist`);
  const rowBytes = (w: number) => (w === 0 ? 0 : 1 + Math.ceil((w * channels * info.depth) / 8));
  const interlaced = b[28] === 1;
  const expected = interlaced
    ? ADAM7.reduce((n, [x0, y0, dx, dy]) => {
        const w = Math.max(0, Math.ceil((info.width - x0) / dx));
        return n + (w === 0 ? 0 : rowBytes(w) * Math.max(0, Math.ceil((info.height - y0) / dy)));
      }, 0)
    : rowBytes(info.width) * info.height;
  const idat = info.chunks.filter((c) => c.type === 'IDAT').map((c) => b.subarray(c.start + 8, c.end - 4));
  let inflated: number;
  try {
    inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 }).length;
  } catch (e) {
    const problem = (e as Error).message;
    if (/Cannot create a Buffer larger|maxOutputLength|too large/i.test(problem)) inflated = expected + 1;
    else return fail(`PNG is corrupt: the pixel data does not inflate (zlib: ${problem})`);
  }
  if (inflated < expected) fail(`PNG is truncated: the pixel data inflates to ${inflated} bytes, ${info.width}x${info.height} needs ${expected}`);
}

function decodePng(bytes: Uint8Array, fail: Fail): RgbImage {
  const info = scanPng(bytes, fail);
  checkPixelData(bytes, info, fail);
  // pngjs paints every pixel that matches a gray/RGB tRNS colour black (all four channels 0);
  // PIL's convert('RGB') keeps its colour. Alpha is dropped anyway, so drop the chunk.
  let input = bytes;
  if ((info.colorType === 0 || info.colorType === 2) && info.chunks.some((c) => c.type === 'tRNS')) {
    const keep = info.chunks.filter((c) => c.type !== 'tRNS');
    input = new Uint8Array(8 + keep.reduce((n, c) => n + c.end - c.start, 0));
    input.set(bytes.subarray(0, 8));
    let at = 8;
    for (const c of keep) {
      input.set(bytes.subarray(c.start, c.end), at);
      at += c.end - c.start;
    }
  }
  let png: { width: number; height: number; data: Uint8Array | Uint16Array };
  try {
    // skipRescale keeps 16-bit samples as they are (pngjs would round v·255/65535; PIL takes v >> 8).
    png = pngjs.PNG.sync.read(Buffer.from(input.buffer, input.byteOffset, input.length), { skipRescale: info.depth === 16 }) as typeof png;
  } catch (e) {
    return fail(`PNG is corrupt (pngjs: ${(e as Error).message})`);
  }
  const n = png.width * png.height;
  const shift = info.depth === 16 ? 8 : 0;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = png.data[4 * i]! >> shift;
    out[3 * i + 1] = png.data[4 * i + 1]! >> shift;
    out[3 * i + 2] = png.data[4 * i + 2]! >> shift;
  }
  return { width: png.width, height: png.height, data: out };
}

// ---- JPEG ----

/** Frame-header markers (SOF0…SOF15 less DHT C4, JPG C8, DAC CC) and what jpeg-js makes of them. */
const SOF: Record<number, string | null> = {
  0xc0: null, // baseline
  0xc1: null, // extended sequential, Huffman
  0xc2: null, // progressive, Huffman
  0xc3: 'lossless JPEG',
  0xc5: 'hierarchical JPEG',
  0xc6: 'hierarchical JPEG',
  0xc7: 'hierarchical lossless JPEG',
  0xc9: 'arithmetic-coded JPEG',
  0xca: 'arithmetic-coded JPEG',
  0xcb: 'arithmetic-coded lossless JPEG',
  0xcd: 'arithmetic-coded JPEG',
  0xce: 'arithmetic-coded JPEG',
  0xcf: 'arithmetic-coded lossless JPEG',
};

interface JpegFrame {
  width: number;
  height: number;
  sampling: JpegSampling[];
  componentIds: number[];
  /** APP0 JFIF seen; the APP14 Adobe segment's span and colour transform, if any. */
  jfif: boolean;
  adobe?: { start: number; end: number; transform: number };
}

/** Reads the segments up to the first scan: frame size, precision, components, colour markers. */
function scanJpeg(b: Uint8Array, fail: Fail): JpegFrame {
  let pos = 2;
  let frame: JpegFrame | undefined;
  let jfif = false;
  let adobe: JpegFrame['adobe'];
  for (;;) {
    while (b[pos] === 0xff && b[pos + 1] === 0xff) pos++; // fill bytes
    if (pos + 4 > b.length) fail(`JPEG is truncated: it ends at byte ${b.length}, before the image data`);
    if (b[pos] !== 0xff) fail(`JPEG is corrupt: expected a marker at byte ${pos}, found 0x${b[pos]!.toString(16)}`);
    const marker = b[pos + 1]!;
    if (marker === 0xd9) fail('JPEG is corrupt: end-of-image marker before any image data');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = u16(b, pos + 2);
    if (pos + 2 + length > b.length) fail(`JPEG is truncated: segment 0x${marker.toString(16)} at byte ${pos} needs ${length + 2} bytes, the file ends at byte ${b.length}`);
    if (marker in SOF) {
      const unsupported = SOF[marker];
      if (unsupported) fail(`${unsupported} is not supported (jpeg-js decodes baseline and progressive Huffman JPEGs)`);
      const precision = b[pos + 4]!;
      if (precision !== 8) fail(`${precision}-bit JPEG is not supported (8-bit only)`);
      const count = b[pos + 9]!;
      if (length < 8 + 3 * count) fail(`JPEG is corrupt: frame header of ${length} bytes for ${count} components`);
      const sampling: JpegSampling[] = [];
      const componentIds: number[] = [];
      for (let c = 0; c < count; c++) {
        const at = pos + 10 + 3 * c;
        componentIds.push(b[at]!);
        sampling.push({ h: b[at + 1]! >> 4, v: b[at + 1]! & 15 });
      }
      frame = { height: u16(b, pos + 5), width: u16(b, pos + 7), sampling, componentIds, jfif, adobe };
    }
    if (marker === 0xe0 && length >= 7 && ascii(b, pos + 4, pos + 9) === 'JFIF\0') jfif = true;
    if (marker === 0xee && length >= 14 && ascii(b, pos + 4, pos + 9) === 'Adobe') adobe = { start: pos, end: pos + 2 + length, transform: b[pos + 15]! };
    if (marker === 0xda) break; // start of scan: entropy-coded data follows
    pos += 2 + length;
  }
  if (!frame) return fail('JPEG is corrupt: no frame header (SOF) before the image data');
  frame.jfif = jfif;
  frame.adobe = adobe;
  const { width, height, sampling } = frame;
  if (width === 0 || height === 0) fail(`JPEG has zero size (${width}x${height})`);
  if (![1, 3, 4].includes(sampling.length)) fail(`JPEG with ${sampling.length} colour components is not supported (1, 3 or 4)`);
  if (sampling.some((s) => s.h < 1 || s.h > 4 || s.v < 1 || s.v > 4)) fail('JPEG is corrupt: a sampling factor is outside 1..4');
  // Entropy-coded data escapes 0xFF as FF 00, so FF D9 after the first scan is the end-of-image
  // marker: without it the file was cut short (jpeg-js would say "marker was not found").
  let end = b.length - 2;
  while (end > pos && !(b[end] === 0xff && b[end + 1] === 0xd9)) end--;
  if (end <= pos) fail(`JPEG is truncated: no end-of-image marker after the image data (${b.length} bytes)`);
  return frame;
}

/** libjpeg's guess of a 3-component colour space: JFIF → YCbCr; Adobe transform 0 → RGB;
 * otherwise component ids 'R','G','B' → RGB; anything else YCbCr. */
function isYcc(frame: JpegFrame): boolean {
  if (frame.jfif) return true;
  if (frame.adobe) return frame.adobe.transform !== 0;
  return frame.componentIds.join() !== '82,71,66';
}

function jsDecode(bytes: Uint8Array, colorTransform: boolean | undefined, fail: Fail): { width: number; height: number; data: Uint8Array } {
  try {
    return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, ...(colorTransform === undefined ? {} : { colorTransform }) });
  } catch (e) {
    return fail(`JPEG is corrupt (jpeg-js: ${(e as Error).message})`);
  }
}

function decodeJpeg(bytes: Uint8Array, fail: Fail): RgbImage {
  const frame = scanJpeg(bytes, fail);
  let decoded: { width: number; height: number; data: Uint8Array };
  if (frame.sampling.length === 3) {
    // Raw components from jpeg-js, colour finished as libjpeg does (jpeg-color.ts). jpeg-js
    // forces its own transform when an Adobe segment asks for one, so that segment is cut out
    // (its only use, the colour space, was read above).
    const { adobe } = frame;
    const input = adobe ? concat(bytes.subarray(0, adobe.start), bytes.subarray(adobe.end)) : bytes;
    decoded = jsDecode(input, false, fail);
    const rgb = libjpegColor(decoded.data, decoded.width, decoded.height, frame.sampling, isYcc(frame));
    if (rgb) decoded = { ...decoded, data: rgb };
    else if (isYcc(frame)) decoded = jsDecode(input, true, fail); // luma subsampled: let jpeg-js convert
  } else {
    // Gray comes back as R = G = B; Adobe CMYK/YCCK is converted by jpeg-js (within a level of PIL).
    decoded = jsDecode(bytes, undefined, fail);
  }
  if (decoded.width !== frame.width || decoded.height !== frame.height) {
    fail(`JPEG is corrupt: jpeg-js decoded ${decoded.width}x${decoded.height}, the frame header says ${frame.width}x${frame.height}`);
  }
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
