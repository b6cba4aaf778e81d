import { createMemoryStore } from '../../src/store/memory-store.js';
import { describeStore } from './store-suite.js';

describeStore('memory', () => createMemoryStore());
