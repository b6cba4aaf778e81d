/**
 * The window store answers as every store must: the shared store suite, run
 * with every capture held in a rolling window (limits far above the test
 * data, so nothing is evicted), proves the window's reads (call list,
 * filters, sorting, search, one call, messages, findings, statistics,
 * frames) equal the reference store's on real analyses.
 */
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createWindowStore } from '../../src/store/window-store.js';
import { describeStore } from '../store/store-suite.js';

// Every capture windowed, as a live one is: messages hold their bytes (no file to read them back from by place).
describeStore('rolling window', () => createWindowStore(createMemoryStore(), { windowed: () => true }), {
  readsByPlace: false,
});
