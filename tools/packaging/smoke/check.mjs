// Tiny assertion helpers shared by the smoke scripts (plain JS: these files run in a fresh
// project outside the workspace, in plain `node` and, bundled, in a browser).

/** Throws `message` unless `condition`. */
export function check(condition, message) {
  if (!condition) throw new Error(`smoke check failed: ${message}`);
}

/** Throws unless `actual` (any array-like, flat) matches `expected` elementwise within `tol`. */
export function checkClose(actual, expected, message, tol = 1e-5) {
  const a = Array.from(actual);
  check(a.length === expected.length, `${message}: ${a.length} values, expected ${expected.length}`);
  a.forEach((v, i) => check(Math.abs(v - expected[i]) <= tol * (1 + Math.abs(expected[i])), `${message}: [${a.join(', ')}] vs expected [${expected.join(', ')}]`));
  return a;
}

/** C = A·B for row-major plain arrays (the reference the smoke scripts compare with). */
export function refMatmul(a, b, n, k, m) {
  const c = new Array(n * m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let p = 0; p < k; p++) c[i * m + j] += a[i * k + p] * b[p * m + j];
  return c;
}
