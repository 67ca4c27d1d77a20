/**
 * PNG reading and writing for the datasets (Node: pngjs needs zlib). Decoding for *training
 * images* goes through @glimpse/models' `decodeImage` (PIL's convert('RGB'), alpha dropped);
 * this file adds what the dataset builders need besides: RGBA with alpha composited over a
 * background (emoji artwork is drawn on transparency), and writing RGB images to PNG files.
 */
import { writeFileSync } from 'node:fs';
import type { RgbImage } from '@glimpse/models';
import pngjs from 'pngjs';

/** An RGBA image, 8 bits per channel, row-major. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Decodes PNG bytes to RGBA (any colour type and depth pngjs reads; 16-bit scaled to 8). */
export function decodePngRgba(bytes: Uint8Array, source = 'PNG bytes'): RgbaImage {
  try {
    const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  } catch (e) {
    throw new Error(`decodePngRgba: ${source}: ${(e as Error).message}`);
  }
}

/**
 * Cuts a width × height window at (left, top) out of an RGBA image and composites it over
 * `background` (out = α·colour + (1 − α)·background, rounded), giving RGB.
 */
export function compositeRegion(src: RgbaImage, left: number, top: number, width: number, height: number, background: readonly [number, number, number]): RgbImage {
  if (left < 0 || top < 0 || left + width > src.width || top + height > src.height) {
    throw new Error(`compositeRegion: ${width}x${height} at (${left}, ${top}) is outside the ${src.width}x${src.height} image`);
  }
  const out = new Uint8Array(width * height * 3);
  const [br, bg, bb] = background;
  for (let y = 0; y < height; y++) {
    let s = ((top + y) * src.width + left) * 4;
    let d = y * width * 3;
    for (let x = 0; x < width; x++, s += 4, d += 3) {
      const a = src.data[s + 3]! / 255;
      out[d] = Math.round(a * src.data[s]! + (1 - a) * br);
      out[d + 1] = Math.round(a * src.data[s + 1]! + (1 - a) * bg);
      out[d + 2] = Math.round(a * src.data[s + 2]! + (1 - a) * bb);
    }
  }
  return { width, height, data: out };
}

/** Encodes an RGB image as an 8-bit RGB PNG. */
export function encodePng(img: RgbImage): Uint8Array {
  const png = new pngjs.PNG({ width: img.width, height: img.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  const out = pngjs.PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Writes an RGB image to a PNG file. */
export function writePng(path: string, img: RgbImage): void {
  writeFileSync(path, encodePng(img));
}
