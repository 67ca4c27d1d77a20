/**
 * The few drawing operations the galleries need, on RgbImage (8-bit RGB, interleaved): a blank
 * page, filled and outlined rectangles, pasting an image, and fitting an image into a square.
 * Everything is clipped to the page, so a layout mistake shows as a cut picture, not a crash.
 */
import { resize, type RgbImage } from '@glimpse/models';

function assertRgbImage(op: string, img: RgbImage): void {
  if (!img || !(img.data instanceof Uint8Array) || !(img.width >= 1) || !(img.height >= 1) || img.data.length !== img.width * img.height * 3) {
    throw new Error(`${op}: expected an RgbImage (width × height × 3 bytes), got ${img ? `${img.width}x${img.height} with ${img.data?.length} bytes` : img}`);
  }
}

/** One colour as [red, green, blue], each 0–255. */
export type Rgb = readonly [number, number, number];

/** A width × height image filled with `color` (white by default). */
export function blankImage(width: number, height: number, color: Rgb = [255, 255, 255]): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`blankImage: the size must be positive integers, got ${width}x${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = color[0];
    data[i + 1] = color[1];
    data[i + 2] = color[2];
  }
  return { width, height, data };
}

/** Fills the w × h rectangle at (x, y). */
export function fillRect(img: RgbImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(img.width, x + w);
  const y1 = Math.min(img.height, y + h);
  for (let py = y0; py < y1; py++) {
    for (let px = x0; px < x1; px++) {
      const at = (py * img.width + px) * 3;
      img.data[at] = color[0];
      img.data[at + 1] = color[1];
      img.data[at + 2] = color[2];
    }
  }
}

/** Outlines the w × h rectangle at (x, y) with a border `thickness` pixels wide, inside the rectangle. */
export function strokeRect(img: RgbImage, x: number, y: number, w: number, h: number, color: Rgb, thickness = 1): void {
  const t = Math.min(thickness, Math.floor(w / 2), Math.floor(h / 2));
  fillRect(img, x, y, w, t, color);
  fillRect(img, x, y + h - t, w, t, color);
  fillRect(img, x, y + t, t, h - 2 * t, color);
  fillRect(img, x + w - t, y + t, t, h - 2 * t, color);
}

/** Copies `src` onto `dst` with its top-left corner at (x, y). */
export function drawImage(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  assertRgbImage('drawImage', src);
  const x0 = Math.max(0, x);
  const x1 = Math.min(dst.width, x + src.width);
  if (x1 <= x0) return;
  for (let sy = Math.max(0, -y); sy < src.height && y + sy < dst.height; sy++) {
    const from = (sy * src.width + (x0 - x)) * 3;
    dst.data.set(src.data.subarray(from, from + (x1 - x0) * 3), ((y + sy) * dst.width + x0) * 3);
  }
}

/** Enlarges by a whole factor, each pixel a factor × factor block (pixel art stays crisp). */
export function scaleNearest(img: RgbImage, factor: number): RgbImage {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`scaleNearest: the factor must be a positive integer, got ${factor}`);
  if (factor === 1) return img;
  const out = new Uint8Array(img.width * factor * img.height * factor * 3);
  const w = img.width * factor;
  for (let y = 0; y < img.height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < w; x++) {
      const s = (sy * img.width + Math.floor(x / factor)) * 3;
      const d = (y * w + x) * 3;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
    }
  }
  return { width: w, height: img.height * factor, data: out };
}

/**
 * The image scaled to fit a size × size square, keeping its aspect ratio: a small image is
 * enlarged by the largest whole factor that fits (nearest neighbour, so small training images
 * show their real pixels); a larger one is reduced with PIL-exact bicubic resampling.
 */
export function fitImage(img: RgbImage, size: number): RgbImage {
  assertRgbImage('fitImage', img);
  const longest = Math.max(img.width, img.height);
  if (longest <= size) return scaleNearest(img, Math.floor(size / longest));
  const f = size / longest;
  return resize(img, Math.max(1, Math.round(img.width * f)), Math.max(1, Math.round(img.height * f)), 'bicubic');
}

/** The colour at (x, y), for tests and checks. */
export function pixelAt(img: RgbImage, x: number, y: number): [number, number, number] {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) throw new Error(`pixelAt: (${x}, ${y}) is outside the ${img.width}x${img.height} image`);
  const at = (y * img.width + x) * 3;
  return [img.data[at]!, img.data[at + 1]!, img.data[at + 2]!];
}
