import type { FastifyPluginCallback } from 'fastify';
import { healthResponse, PROTOCOL_VERSION, type HealthResponse } from '../../shared/schema/wire';

/** `GET /api/v1/health`: no token, no database; says the server runs and which protocol it speaks. */
export function healthRoutes(version: string): FastifyPluginCallback {
  return (app, _options, done) => {
    const body: HealthResponse = { status: 'ok', protocol: PROTOCOL_VERSION, version };
    app.get('/health', { schema: { response: { 200: healthResponse } } }, () => body);
    done();
  };
}
