import { describe, expect, it } from 'vitest';
import { Parameter } from '@glimpse/autograd';
import { tensor, zeros } from '@glimpse/tensor';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

class Block extends Module {
  dense = new Linear(3, 2);
  LayerNorm = new LayerNorm(2);
  dropout = new Dropout(0.5);
}

class Net extends Module {
  embed = new Parameter(zeros([4, 3]));
  layers = [new Block(), new Block()];
  head: Linear;
  constructor() {
    super();
    this.head = new Linear(3, 4, { bias: false });
    this.head.weight = this.embed; // tied, as an LM head shares the word embeddings
  }
}

describe('Module', () => {
  it('names parameters by property path, lists in declaration order, arrays as .0 .1', () => {
    expect(new Net().namedParameters().map(([n]) => n)).toEqual([
      'embed',
      'layers.0.dense.weight', 'layers.0.dense.bias', 'layers.0.LayerNorm.weight', 'layers.0.LayerNorm.bias',
      'layers.1.dense.weight', 'layers.1.dense.bias', 'layers.1.LayerNorm.weight', 'layers.1.LayerNorm.bias',
    ]);
  });

  it('shows a shared parameter once in parameters() and under each name in stateDict()', () => {
    const net = new Net();
    expect(net.parameters().filter((p) => p === net.embed)).toHaveLength(1);
    const dict = net.stateDict();
    expect(Object.keys(dict)).toContain('head.weight');
    expect(dict['head.weight']).toBe(dict['embed']);
    expect(net.numParameters()).toBe(12 + 2 * (6 + 2 + 2 + 2));
  });

  it('train()/eval() reach every descendant', () => {
    const net = new Net().eval();
    expect([...net.namedModules()].every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.layers[1]!.dropout.training).toBe(true);
  });

  it('loadStateDict round-trips, converting dtypes, and keeps sharing', () => {
    const a = new Net();
    const b = new Net();
    const dict = Object.fromEntries(Object.entries(a.stateDict()).map(([k, v]) => [k, v.to('float64').add(1)]));
    b.loadStateDict(dict);
    expect(b.layers[0]!.dense.weight.dtype).toBe('float32');
    expect(b.layers[0]!.dense.weight.data.toArray()).toEqual(a.layers[0]!.dense.weight.data.add(1).toArray());
    expect(b.head.weight).toBe(b.embed);
  });

  it('strict loading reports every missing, unexpected and mismatched key in one error, and loads nothing', () => {
    const net = new Net();
    const before = net.layers[0]!.dense.weight.data;
    const dict = net.stateDict();
    delete dict['layers.1.dense.bias'];
    delete dict['head.weight'];
    dict['layers.0.dense.weight'] = zeros([2, 5]);
    dict['layers.0.dense.extra'] = zeros([1]);
    dict['embed'] = zeros([4, 3]).add(7);
    let message = '';
    try {
      net.loadStateDict(dict);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('loadStateDict (Net)');
    expect(message).toMatch(/shape mismatch for 1 key\(s\):\n  layers\.0\.dense\.weight: checkpoint \[2,5\] vs model \[2,3\]/);
    expect(message).toMatch(/missing 2 key\(s\):\n  layers\.1\.dense\.bias\n  head\.weight/);
    expect(message).toMatch(/unexpected 1 key\(s\):\n  layers\.0\.dense\.extra/);
    expect(net.layers[0]!.dense.weight.data).toBe(before);
    expect(net.embed.data.sum().item()).toBe(0); // nothing was assigned
  });

  it('non-strict loading returns what was missing and unexpected; shape mismatches still fail', () => {
    const net = new Net();
    const result = net.loadStateDict({ embed: tensor([[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]]), other: zeros([1]) }, { strict: false });
    expect(result.unexpectedKeys).toEqual(['other']);
    expect(result.missingKeys).toHaveLength(9); // per name, as PyTorch: 'head.weight' too, though it shares 'embed'
    expect(result.missingKeys).toContain('head.weight');
    expect(net.head.weight.data.sum().item()).toBe(30);
    expect(() => net.loadStateDict({ embed: zeros([1]) }, { strict: false })).toThrow(/shape mismatch/);
  });

  it('to(dtype) converts each parameter once', () => {
    const net = new Net().to('float64');
    expect(net.parameters().every((p) => p.dtype === 'float64')).toBe(true);
    expect(net.head.weight).toBe(net.embed);
  });
});
