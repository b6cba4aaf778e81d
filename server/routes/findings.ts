/**
 * `/api/captures/:id/findings` (optionally `?rule=ID` or a prefix ending in
 * `.`, `?perRule=N`: the first N of each rule), `/api/captures/:id/findings/counts`
 * (each rule's count and worst severity) and `/api/rules`.
 */
import { Router } from 'express';
import { catalogue } from '../../src/analyze/registry.js';
import type { FindingFilter } from '../../src/store/store.js';
import type { CaptureService } from '../capture-service.js';
import { HttpError } from '../http-error.js';
import { captureIdOf, readableCapture } from './common.js';

/** Largest `perRule`: past it, ask for the rule's findings with `?rule=`. */
const MAX_PER_RULE = 100_000;

export function findingsRouter(service: CaptureService): Router {
  const r = Router({ mergeParams: true });
  r.get('/', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const params = new URL(req.originalUrl, 'http://x').searchParams;
    const filter: FindingFilter = {};
    const rule = params.get('rule');
    if (rule) filter.rule = rule;
    const perRule = params.get('perRule');
    if (perRule !== null) {
      const n = Number(perRule);
      if (!/^\d+$/.test(perRule) || n < 1 || n > MAX_PER_RULE)
        throw new HttpError(400, `perRule must be an integer from 1 to ${MAX_PER_RULE}`);
      filter.perRule = n;
    }
    res.json(await service.store.findings(c.id, filter));
  });
  r.get('/counts', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    res.json(await service.store.findingCounts(c.id));
  });
  return r;
}

export function rulesRouter(): Router {
  const r = Router();
  const rules = catalogue();
  r.get('/', (_req, res) => {
    res.json(rules);
  });
  return r;
}
