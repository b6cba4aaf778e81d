/**
 * The web UI's build: root is web/, output dist/web at the package root (the
 * server serves it). No inline script or style anywhere: the server's CSP is
 * `script-src 'self'; style-src 'self'`, so the entry is an external module
 * and CSS is emitted as files.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // An inlined asset would be a data: URL; keep every asset a file under 'self'.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: true,
  },
});
