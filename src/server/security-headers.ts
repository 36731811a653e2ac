import type { FastifyInstance } from 'fastify';
import { isApiPath } from './app-shell';

/**
 * The headers every answer carries, the app's files and the API's JSON alike.
 *
 * The app's policy allows its own origin and nothing else, and no inline code: the build has no
 * inline script or style (index.html loads hashed files; the only `style` React writes goes
 * through the CSSOM, which a policy does not govern), the icons are files rather than data:
 * URIs, the service worker and workbox are same-origin scripts, and the tablet only ever talks
 * to the server it was loaded from. A script injected into a page could then neither run inline
 * nor send anything elsewhere. tests/e2e/csp.test.ts shows the built app working under it.
 *
 * HSTS is the TLS proxy's to send: this server speaks plain HTTP behind it.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the page compile WebAssembly (the QR reader of tablets without
  // BarcodeDetector, ui/qr-wasm-reader.ts) and nothing else: JavaScript eval stays refused.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON is never a page: were a browser to open an answer as one, it could load nothing. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

const COMMON_HEADERS = {
  // A JSON answer holding a record's text must never be sniffed into HTML or a script.
  'x-content-type-options': 'nosniff',
  // Addresses can carry an enrolment code (/enrol?code=...): never send them to another site.
  'referrer-policy': 'no-referrer',
};

export function securityHeaders(url: string): Record<string, string> {
  return { ...COMMON_HEADERS, 'content-security-policy': isApiPath(url) ? API_CONTENT_SECURITY_POLICY : APP_CONTENT_SECURITY_POLICY };
}

/** For an answer written on the socket before any request exists (http-guards.ts). */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = securityHeaders('/api');

/** On every answer Fastify sends: routes, static files, the app shell, 404s and errors. */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.headers(securityHeaders(request.url));
    done(null, payload);
  });
}
