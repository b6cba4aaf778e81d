/**
 * The built web UI (`npm run build` puts it in dist/web): files from the web
 * root, `index.html` for `/`. Without a build, `/` says how to make one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

export const NOT_BUILT =
  'sipscope: the web UI is not built. Run `npm run build` in the sipscope checkout, then reload. ' +
  'The API is at /api (see server/API.md).\n';

export function staticWeb(webRoot: string): Router {
  const r = Router();
  r.get('/', (_req, res, next) => {
    if (existsSync(join(webRoot, 'index.html'))) {
      next();
      return;
    }
    res.type('text/plain').send(NOT_BUILT);
  });
  r.use(express.static(webRoot, { index: 'index.html', fallthrough: true, dotfiles: 'ignore' }));
  return r;
}
