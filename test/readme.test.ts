/** The README's rule table is the registry's (generated, so it cannot drift). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rulesMarkdown } from '../src/analyze/rules-markdown.js';
import { README, readmeRules } from './fixtures/update-readme.js';

describe('README', () => {
  it('lists exactly the rules of the registry (run `npm run readme` after adding one)', () => {
    expect(readmeRules(readFileSync(README, 'utf8'))).toBe(rulesMarkdown());
  });
});
