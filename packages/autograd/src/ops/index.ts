export * from './elementwise.js';
export * from './views.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './indexing.js';
export * from './join.js';
export * from './activation.js';
export * from './loss.js';
export { valueOf } from './util.js';
