import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { zodSchemaController } from './response-schema';
import { registerAppShell, sendAppShell, wantsAppShell } from './app-shell';
import { BODY_LIMIT_BYTES, errorReply, INTERNAL_ERROR, notFoundReply, replyForError, RETRY_AFTER_BUSY_SECONDS, sendErrorReply } from './error-replies';
import { guardHttp, httpServerOptions, type HttpLimits } from './http-guards';
import { pushLimitsFor, type PushLimits } from './load-shedding';
import { openApiRoutes } from './openapi';

declare module 'fastify' {
  interface FastifyInstance {
    /** The API routes registered (`GET /api/v1/health`), HEAD apart. */
    apiRoutes(): string[];
  }
}
import { logSerializers, RequestLogController } from './logging';
import { DatabaseUnavailable } from './errors';
import type { FailureLimits } from './failure-limiter';
import { enrolRoutes } from './routes/enrol';
import { healthRoutes } from './routes/health';
import { leadRoutes } from './routes/lead';
import { reportRoutes } from './routes/reports';
import { syncRoutes } from './routes/sync';
import { ChangeFeed, listenForOtherProcesses } from './sync/change-feed';
import type { Store } from './store';
import { speakEnglishIssues } from '../shared/schema/english-issues';

// The 400s quote zod's issues ("ops: Too big…"), in English for every client.
speakEnglishIssues();

/** Fastify's logger option: a boolean, or pino's options (level, stream...). */
export type LoggerOption = NonNullable<FastifyServerOptions['logger']>;

export interface AppOptions {
  store: Store;
  /** The app's version, as package.json has it; the health check reports it. */
  version: string;
  /** The built PWA (vite's dist/). Without it the server answers the API only. */
  staticDir?: string;
  /** false (the default) logs nothing; true or pino options log one line per request. */
  logger?: LoggerOption;
  /** The server's clock, epoch ms (default Date.now): serverTime, code expiry, CLOCK_AHEAD. Tests move it. */
  clock?: () => number;
  /** How many wrong enrolment codes an address may send, and in what window (default 10 in 15 minutes). */
  enrolFailureLimits?: FailureLimits;
  /** Timeouts and connection caps (http-guards.ts); tests make them small. */
  httpLimits?: Partial<HttpLimits>;
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client (default none). */
  trustProxy?: readonly string[];
  /**
   * Where pushes announce their changes and long-polling pulls wait (default: a feed of its own,
   * hearing other server processes through PostgreSQL's LISTEN when the store is PostgreSQL).
   */
  changeFeed?: ChangeFeed;
  /** Pushes handled at once before the rest get a 503 (default: from the store's connections). */
  pushLimits?: PushLimits;
  /**
   * More routes, registered inside the app's error handling and logging before it is ready.
   * Tests use it to reach the error handler with a route that throws.
   */
  routes?: (app: FastifyInstance) => void;
}

/** The whole HTTP server, ready to `inject` into or `listen`; it never listens by itself. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: loggerOptions(options.logger ?? false),
    logController: new RequestLogController(),
    // Answers are written through their zod schemas, and ajv is never loaded (response-schema.ts).
    schemaController: zodSchemaController,
    return503OnClosing: false,
    ...httpServerOptions({ ...(options.httpLimits && { limits: options.httpLimits }), ...(options.trustProxy && { trustedProxies: options.trustProxy }) }),
    // `__proto__` and `constructor` keys are data: JSON.parse keeps them as own properties, which
    // replace no prototype, and checkOp refuses the one op holding one. Fastify's default
    // ('error') would refuse the whole body, so a tablet holding such an op could never push again.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // Errors Fastify raises before routing (an address that does not decode) get our shape too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void sendErrorReply(reply, replyForError(error) ?? INTERNAL_ERROR);
    },
  });
  // Before every route: connection caps, security headers, long addresses, push shedding.
  // Every API route as registered, for the OpenAPI document's test (openapi.ts).
  const apiRoutes: string[] = [];
  app.decorate('apiRoutes', () => [...apiRoutes]);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) if (method !== 'HEAD') apiRoutes.push(`${method} ${route.url}`);
  });
  guardHttp(app, {
    ...(options.httpLimits && { limits: options.httpLimits }),
    ...(options.trustProxy && { trustedProxies: options.trustProxy }),
    pushLimits: options.pushLimits ?? pushLimitsFor(options.store),
  });

  // Shutting down: requests already running finish, and their connections close after them (a
  // kept-alive connection would hold the shutdown up until its timeout). A request that still
  // arrives gets a 503 in our error shape; Fastify's own 503 has another shape.
  let closing = false;
  const feed = options.changeFeed ?? new ChangeFeed();
  const stopListening = await listenForOtherProcesses(options.store, feed);
  app.addHook('preClose', (done) => {
    closing = true;
    // Long-polling pulls answer now, rather than hold the shutdown up for up to 30 s.
    feed.close();
    done();
  });
  app.addHook('onClose', async () => {
    await stopListening();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    return sendErrorReply(reply, errorReply(503, 'SHUTTING_DOWN', 'The server is restarting; try again in a moment.', RETRY_AFTER_BUSY_SECONDS));
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const known = replyForError(error);
    // The operator should see the database failing under load or going away; the device only a 503.
    if (error instanceof DatabaseUnavailable) request.log.warn({ err: error }, 'database unavailable');
    if (known) return sendErrorReply(reply, known);
    request.log.error({ err: error }, 'request failed');
    return reply.code(INTERNAL_ERROR.statusCode).send(INTERNAL_ERROR.body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (options.staticDir !== undefined && wantsAppShell(request)) return sendAppShell(reply);
    const { statusCode, body } = notFoundReply(request.method, request.url);
    return reply.code(statusCode).send(body);
  });

  // Before every route and the static files, so JSON and the app's text files go out gzipped.
  await app.register(compress, { global: true, encodings: ['gzip'] });
  await app.register(healthRoutes(options.version), { prefix: '/api/v1' });
  const { store, clock = Date.now } = options;
  await app.register(enrolRoutes({ store, clock, ...(options.enrolFailureLimits && { limits: options.enrolFailureLimits }) }), { prefix: '/api/v1' });
  await app.register(syncRoutes({ store, clock, feed }), { prefix: '/api/v1' });
  await app.register(leadRoutes({ store, clock }), { prefix: '/api/v1' });
  await app.register(reportRoutes({ store, clock }), { prefix: '/api/v1' });
  await app.register(openApiRoutes(options.version), { prefix: '/api/v1' });
  const { routes } = options;
  if (routes) {
    await app.register((instance, _options, done) => {
      routes(instance);
      done();
    });
  }
  if (options.staticDir !== undefined) await registerAppShell(app, options.staticDir);

  await app.ready();
  return app;
}

function loggerOptions(logger: LoggerOption) {
  if (logger === false) return false;
  const base = logger === true ? {} : logger;
  // Ours come last: a caller's options may set the level or the stream, never widen what is logged.
  return { ...base, serializers: { ...base.serializers, ...logSerializers } };
}
