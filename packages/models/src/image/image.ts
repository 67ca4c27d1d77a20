/**
 * The image every pixel operation takes and returns: 8-bit RGB, interleaved, row-major
 * (`data[(y * width + x) * 3 + c]`), the layout of `np.array(pil_image)` for an RGB image.
 *
 * Why uint8 and not float: the reference pipelines (PIL behind Hugging Face's processors and
 * torchvision's transforms) resize uint8 images and round every pass back to uint8, so working
 * in uint8 is what lets Glimpse reproduce them exactly; floats appear only in `toTensor`.
 * Why RGB only: PIL's `convert('RGB')`, which both processors apply first, drops alpha and
 * replicates gray; decoders do that once, so nothing downstream branches on channel counts.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width · height · 3 bytes, R G B per pixel, rows top to bottom. */
  readonly data: Uint8Array;
}

function assertSize(op: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${op}: an image must be at least 1x1 pixels with integer sides, got ${width}x${height}`);
  }
}

/** Wraps RGB bytes (not copied) after checking that they fill width × height. */
export function rgbImage(width: number, height: number, data: Uint8Array): RgbImage {
  assertSize('rgbImage', width, height);
  if (data.length !== width * height * 3) {
    throw new Error(`rgbImage: ${data.length} bytes do not fill ${width}x${height} RGB (${width * height * 3} expected)`);
  }
  return { width, height, data };
}

/** Throws unless `img` is a well-formed RgbImage (every public pixel op checks its input). */
export function assertRgbImage(op: string, img: RgbImage): void {
  if (typeof img !== 'object' || img === null || !(img.data instanceof Uint8Array)) {
    throw new Error(`${op}: expected an RgbImage { width, height, data: Uint8Array }`);
  }
  assertSize(op, img.width, img.height);
  if (img.data.length !== img.width * img.height * 3) {
    throw new Error(`${op}: image data has ${img.data.length} bytes, ${img.width}x${img.height} RGB needs ${img.width * img.height * 3}`);
  }
}

/**
 * RGBA bytes (a canvas `ImageData`, a PNG decoder's output) → RgbImage. Alpha is dropped, not
 * composited over a background: that is what PIL's `convert('RGB')` does, so a transparent
 * pixel keeps the colour stored under it.
 */
export function fromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): RgbImage {
  assertSize('fromRgba', width, height);
  const n = width * height;
  if (rgba.length !== n * 4) throw new Error(`fromRgba: ${rgba.length} bytes do not fill ${width}x${height} RGBA (${n * 4} expected)`);
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n * 4; i += 4, j += 3) {
    out[j] = rgba[i]!;
    out[j + 1] = rgba[i + 1]!;
    out[j + 2] = rgba[i + 2]!;
  }
  return { width, height, data: out };
}

/** Gray bytes → RgbImage with R = G = B (PIL's L → RGB). */
export function fromGray(width: number, height: number, gray: Uint8Array): RgbImage {
  assertSize('fromGray', width, height);
  const n = width * height;
  if (gray.length !== n) throw new Error(`fromGray: ${gray.length} bytes do not fill ${width}x${height} gray (${n} expected)`);
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = gray[i]!;
  return { width, height, data: out };
}
