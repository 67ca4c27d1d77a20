import { describe, expect, it } from 'vitest';
import { metaLabels, retrievalTargets } from './dataset.js';
import { emojiCaption, emojiCaptionVariants, loadEmojiDataset, loadEmojiRecords } from './emoji.js';

describe('emoji datasets (emoji-datasource-google / -twitter)', () => {
  const google = loadEmojiDataset({ style: 'google' });
  const twitter = loadEmojiDataset({ style: 'twitter' });

  it('has all 1,911 emoji in both styles, in the same order with the same captions', () => {
    expect(google.images.length).toBe(1911);
    expect(twitter.images.length).toBe(1911);
    expect(google.issues).toEqual([]);
    expect(twitter.images.map((i) => i.id)).toEqual(google.images.map((i) => i.id));
    expect(twitter.images.map((i) => i.captions)).toEqual(google.images.map((i) => i.captions));
    expect(google.name).toBe('emoji-google-32');
  });

  it('cuts 32×32 RGB cells composited on white; the two styles draw them differently', () => {
    const g = google.images[0]!.ref as { image: { width: number; height: number; data: Uint8Array } };
    const t = twitter.images[0]!.ref as { image: { width: number; height: number; data: Uint8Array } };
    expect([g.image.width, g.image.height, g.image.data.length]).toEqual([32, 32, 32 * 32 * 3]);
    expect([...g.image.data.subarray(0, 3)]).toEqual([255, 255, 255]); // the corner is transparent in the art
    let diff = 0;
    for (let i = 0; i < g.image.data.length; i++) diff += Math.abs(g.image.data[i]! - t.image.data[i]!);
    expect(diff / g.image.data.length).toBeGreaterThan(5);
    // Not blank: every image has some clearly non-white pixels.
    for (const img of google.images) expect((img.ref as { image: { data: Uint8Array } }).image.data.some((v) => v < 240), img.meta!['name']).toBe(true);
  });

  it('captions the names in plain English', () => {
    const byName = (name: string) => google.images.find((i) => i.meta!['name'] === name)!.captions[0];
    expect(byName('GRINNING FACE')).toBe('a grinning face');
    expect(byName('Japan Flag')).toBe('the flag of japan');
    expect(byName('CROSSED FLAGS')).toBe('crossed flags');
    expect(byName('AMERICAN FOOTBALL')).toBe('an american football');
    expect(byName('MAN: RED HAIR')).toBe('a man with red hair');
    expect(byName('SMILING FACE WITH SMILING EYES')).toBe('a smiling face with smiling eyes');
    expect(new Set(google.images.map((i) => i.captions[0])).size).toBeGreaterThan(1900);
    expect(emojiCaption({ name: 'UNICORN FACE', subcategory: 'animal-mammal' })).toBe('a unicorn face');
  });

  it('offers three caption variants and labels for zero-shot evaluation', () => {
    const r = loadEmojiRecords('google')[0]!;
    expect(emojiCaptionVariants(r)).toEqual(['a grinning face', 'an emoji of a grinning face', 'a grinning face (face smiling, smileys & emotion)']);
    const v = loadEmojiDataset({ style: 'google', size: 16, captions: 'variants' });
    expect(retrievalTargets(v).texts.length).toBe(3 * 1911);
    expect((v.images[0]!.ref as { image: { width: number } }).image.width).toBe(16);
    const { classes, labels } = metaLabels(google, 'category');
    expect(classes.length).toBe(10);
    expect(labels.length).toBe(1911);
  });

  it('resizes from the 64-pixel sheet for other sizes', () => {
    const d = loadEmojiDataset({ style: 'twitter', size: 24 });
    expect((d.images[5]!.ref as { image: { width: number; height: number } }).image.height).toBe(24);
    expect(() => loadEmojiDataset({ style: 'twitter', size: 0 })).toThrow(/size must be an integer/);
  });
});
