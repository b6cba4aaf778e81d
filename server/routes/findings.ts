/** `/api/captures/:id/findings` (optionally `?rule=ID` or a prefix ending in `.`) and `/api/rules`. */
import { Router } from 'express';
import { catalogue } from '../../src/analyze/registry.js';
import type { CaptureService } from '../capture-service.js';
import { captureIdOf, readableCapture } from './common.js';

export function findingsRouter(service: CaptureService): Router {
  const r = Router({ mergeParams: true });
  r.get('/', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const rule = new URL(req.originalUrl, 'http://x').searchParams.get('rule');
    res.json(await service.store.findings(c.id, rule ? { rule } : {}));
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
