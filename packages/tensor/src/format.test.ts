import { describe, expect, it } from 'vitest';
import { arange, full, tensor, zeros } from './ops/create.js';
import { backends, holdsFloat64 } from './testing/backends.js';

// Expected strings are what PyTorch 2.x prints for the same values (torch/_tensor_str.py rules:
// precision 4, threshold 1000, edgeitems 3, linewidth 80).
describe.each(backends)('format on %s', (backend) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'float64' | 'int32' | 'bool') =>
    tensor(data, dtype ? { backend, dtype } : { backend });

  it('prints integer-valued floats as "1." and aligns rows under the opening bracket', () => {
    expect(String(t([[1, 2], [3, 4]]))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
  });

  it('prints fractions with 4 decimals, right-aligned to the widest element', () => {
    expect(String(t([1.5, -2.25]))).toBe('tensor([ 1.5000, -2.2500])');
    expect(String(t([[0.5, 10.25], [-3, 0]]))).toBe('tensor([[ 0.5000, 10.2500],\n        [-3.0000,  0.0000]])');
  });

  it('names float64 and int32 but not float32 or bool', () => {
    expect(String(t([1.5, 2], 'float64'))).toBe('tensor([1.5000, 2.0000], dtype=torch.float64)');
    expect(String(t([1, -20, 300], 'int32'))).toBe('tensor([  1, -20, 300], dtype=torch.int32)');
    expect(String(t([true, false]))).toBe('tensor([ True, False])');
    expect(String(t([0.25]))).toBe('tensor([0.2500])');
  });

  it('prints 0-d tensors without brackets', () => {
    expect(String(t(3))).toBe('tensor(3.)');
    expect(String(t(0.5))).toBe('tensor(0.5000)');
    expect(String(t(-7, 'int32'))).toBe('tensor(-7, dtype=torch.int32)');
    expect(String(t(true))).toBe('tensor(True)');
    expect(String(t(1e-5))).toBe('tensor(1.0000e-05)');
  });

  it('separates 3-d blocks with a blank line and indents each level by one', () => {
    const x = arange(8, { dtype: 'float32', backend }).reshape([2, 2, 2]);
    expect(String(x)).toBe('tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])');
  });

  it('switches to scientific notation for tiny values, huge values or a range over 1000', () => {
    expect(String(t([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(String(t([1.5, 2e8]))).toBe('tensor([1.5000e+00, 2.0000e+08])');
    expect(String(t([0.5, 600]))).toBe('tensor([5.0000e-01, 6.0000e+02])');
    // integer-valued floats too (PyTorch's int mode applies the same range rule)
    expect(String(t([1, 2000]))).toBe('tensor([1.0000e+00, 2.0000e+03])');
    expect(String(t([1e9, 1]))).toBe('tensor([1.0000e+09, 1.0000e+00])');
    expect(String(t([-1e-7, 0.5], 'float64'))).toBe('tensor([-1.0000e-07,  5.0000e-01], dtype=torch.float64)');
    // Beyond float32's range a float64 holds only where float64 is real (inf on a float32 device: the gpu).
    expect(String(t([1e100, 1], 'float64'))).toBe(
      holdsFloat64(backend) ? 'tensor([1.0000e+100,  1.0000e+00], dtype=torch.float64)' : 'tensor([inf, 1.], dtype=torch.float64)',
    );
  });

  it('stays in fixed notation at a range of exactly 1000', () => {
    expect(String(t([1, 1000]))).toBe('tensor([   1., 1000.])');
  });

  it('prints nan and ±inf, which (like zero) never widen the columns', () => {
    expect(String(t([1, NaN, Infinity, -Infinity]))).toBe('tensor([1., nan, inf, -inf])');
    expect(String(t([NaN, 1.5]))).toBe('tensor([   nan, 1.5000])');
    expect(String(t([NaN, Infinity]))).toBe('tensor([nan, inf])');
    expect(String(t([0, 0]))).toBe('tensor([0., 0.])');
  });

  it('rounds exact ties to even like Python, and keeps the sign of -0', () => {
    expect(String(t([0.03125, 1]))).toBe('tensor([0.0312, 1.0000])'); // 1/32: JS toFixed gives 0.0313
    expect(String(t([0.09375, 1]))).toBe('tensor([0.0938, 1.0000])'); // 3/32 rounds up to even
    expect(String(t([103125, 1.5]))).toBe('tensor([1.0312e+05, 1.5000e+00])');
    expect(String(t([-0, 1.5]))).toBe('tensor([-0.0000, 1.5000])'); // zeros never set the width
    expect(String(t([-0, 1]))).toBe('tensor([-0., 1.])');
  });

  it('prints empty tensors with their size (unless 1-d) and any non-float32 dtype', () => {
    expect(String(zeros([0], { backend }))).toBe('tensor([])');
    expect(String(zeros([2, 0], { backend }))).toBe('tensor([], size=(2, 0))');
    expect(String(zeros([0], { backend, dtype: 'float64' }))).toBe('tensor([], dtype=torch.float64)');
    expect(String(zeros([0, 3], { backend, dtype: 'int32' }))).toBe('tensor([], size=(0, 3), dtype=torch.int32)');
    expect(String(zeros([0], { backend, dtype: 'bool' }))).toBe('tensor([], dtype=torch.bool)');
  });

  it('wraps long rows at 80 columns', () => {
    expect(String(arange(20, { dtype: 'float32', backend }))).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '        14., 15., 16., 17., 18., 19.])',
    );
    // rows of a matrix wrap with one more space of indent
    const lines = String(full([2, 30], 1, { backend })).split('\n');
    // (80 - 8) / (2 + 2) = 18 per line
    expect(lines[0]).toBe(`tensor([[${'1., '.repeat(17)}1.,`);
    expect(lines[1]).toBe(`         ${'1., '.repeat(11)}1.],`);
    expect(lines[2]).toBe(`        [${'1., '.repeat(17)}1.,`);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('puts a suffix that would pass 80 columns on its own line', () => {
    expect(String(arange(14, { dtype: 'float64', backend }))).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n       dtype=torch.float64)',
    );
  });

  it('summarises over 1000 elements with " ..." and picks the format from the shown corners', () => {
    expect(String(arange(2000, { dtype: 'float32', backend }))).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    );
    expect(String(arange(2000, { backend }))).toBe('tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=torch.int32)');
    // Exactly 1000 elements are printed in full.
    expect(String(zeros([1000], { backend }))).not.toContain('...');
    const rows = Array(6).fill('[0., 0., 0.,  ..., 0., 0., 0.]');
    expect(String(zeros([40, 40], { backend }))).toBe(
      `tensor([${rows.slice(0, 3).join(',\n        ')},\n        ...,\n        ${rows.slice(3).join(',\n        ')}])`,
    );
    // A middle value that is not shown does not change the format.
    const x = zeros([1001], { backend }).add(arange(1001, { backend }).eq(500).to('float32').mul(0.5));
    expect(String(x)).toBe('tensor([0., 0., 0.,  ..., 0., 0., 0.])');
  });

  it('prints the logical order of a non-contiguous view', () => {
    const x = t([[1, 2, 3], [4, 5, 6]]).transpose();
    expect(String(x)).toBe('tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])');
    expect(String(t([0, 1, 2, 3, 4, 5]).slice(0, 1, undefined, 2))).toBe('tensor([1., 3., 5.])');
    expect(String(t([[7]]).expand([2, 2]))).toBe('tensor([[7., 7.],\n        [7., 7.]])');
  });
});
