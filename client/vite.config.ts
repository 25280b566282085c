import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rolldown } from 'vite';

/**
 * LIVE-WARM-START: `live.html` (the page the server sends for `/live/:sessionId`) is the app's
 * index with the warm start's chunks preloaded in its head, so they download beside the tiny
 * entry instead of after it. Every other page gets index.html and loads no live code.
 */
function preloadWarmStart(): Plugin {
  const isWarmStart = (c: Rolldown.OutputBundle[string]): c is Rolldown.OutputChunk => c.type === 'chunk' && !!c.facadeModuleId?.endsWith('/src/live/warmStart.ts');
  return {
    name: 'tongbu-preload-warm-start',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle || !ctx.filename.endsWith('live.html')) return [];
        const bundle = ctx.bundle;
        const entry = Object.values(bundle).find(isWarmStart);
        if (!entry) throw new Error('live.html: the warm start chunk (src/live/warmStart.ts) is missing from the build');
        const files = new Set<string>();
        const visit = (fileName: string) => {
          if (files.has(fileName)) return;
          files.add(fileName);
          const chunk = bundle[fileName];
          if (chunk?.type === 'chunk') chunk.imports.forEach(visit);
        };
        visit(entry.fileName);
        return [...files].map((f): HtmlTagDescriptor => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: '', href: `/${f}` }, injectTo: 'head' }));
      },
    },
  };
}

// The web client: built into client/dist, which the server serves at / (SPA fallback).
// In development (`npm run dev:client`) the API and Socket.IO go to the server on :3000.
const backend = process.env['TONGBU_API'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), preloadWarmStart()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    rolldownOptions: {
      input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), live: fileURLToPath(new URL('./live.html', import.meta.url)) },
    },
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
