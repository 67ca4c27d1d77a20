/**
 * Pictures for the notebooks, drawn as PNGs with pngjs: heatmaps (attention maps, similarity
 * matrices) and panels of pixel grids side by side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Tensor } from '@glimpse/tensor';

export type RGB = [number, number, number];

/** viridis-like colour for v in [0, 1]. */
export function colour(v: number): RGB {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(Math.max(v, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  return stops[i]!.map((a, c) => Math.round(a + f * (stops[i + 1]![c]! - a))) as RGB;
}

/** Draws panels of cells side by side, each cell `cell` pixels wide, on a white background. */
export function panels(grids: RGB[][][], cell: number, gap = cell): PNG {
  const width = grids.reduce((w, g) => w + g[0]!.length * cell, 0) + gap * (grids.length + 1);
  const height = Math.max(...grids.map((g) => g.length)) * cell + 2 * gap;
  const png = new PNG({ width, height });
  png.data.fill(255);
  let left = gap;
  for (const grid of grids) {
    grid.forEach((row, r) =>
      row.forEach((rgb, c) => {
        for (let y = 0; y < cell; y++) {
          for (let xx = 0; xx < cell; xx++) {
            // A one-pixel seam between cells keeps them countable.
            const seam = y === cell - 1 || xx === cell - 1;
            const at = ((gap + r * cell + y) * width + left + c * cell + xx) * 4;
            [png.data[at], png.data[at + 1], png.data[at + 2]] = seam ? [235, 235, 235] : rgb;
          }
        }
      }),
    );
    left += grid[0]!.length * cell + gap;
  }
  return png;
}

/** A matrix as viridis colours, scaled so its largest entry is brightest. */
export const heat = (m: Tensor): RGB[][] => {
  const rows = m.toArray() as number[][];
  const top = Math.max(...rows.flat());
  return rows.map((row) => row.map((w) => colour(w / top)));
};

/** Writes a PNG under examples/out/ and returns its path. */
export function savePng(name: string, png: PNG): string {
  const dir = new URL('../out/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const path = new URL(name, dir);
  writeFileSync(path, PNG.sync.write(png));
  return path.pathname;
}
