import { relative, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// Vite names everything under assets/ by its content hash: a changed file is a new URL, so the
// old one may be cached for good. Everything else (index.html, sw.js, registerSW.js, the
// manifest, icons) keeps its name across releases and must be revalidated, or a tablet would
// never find the new service worker.
const HASHED = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/** Serves the built PWA from `staticDir`. */
export async function registerAppShell(app: FastifyInstance, staticDir: string): Promise<void> {
  const root = resolve(staticDir);
  await app.register(fastifyStatic, {
    root,
    wildcard: true,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      const inAssets = relative(root, filePath).split(sep)[0] === 'assets';
      reply.header('cache-control', inAssets ? HASHED : REVALIDATE);
    },
  });
}

/**
 * A browser navigating to a screen's address (/sessions, /close...) that is not a file: it gets
 * the app's shell, and the client router shows the screen. API calls and missing files (a script
 * the page asked for, accepting any type) get a 404 instead, never a page of HTML.
 */
export function wantsAppShell(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (isApiPath(request.url)) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export function sendAppShell(reply: FastifyReply): FastifyReply {
  return reply.code(200).sendFile('index.html');
}
