import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * What the server logs about a request: its method, the route it matched, the status and how long
 * it took. Never the body (it holds children's records), the headers (the bearer token) or the
 * query string (report parameters). Everything reaches the log through these serializers, so a
 * `log.info({ req })` written anywhere later cannot leak more than this either.
 */
export const logSerializers = {
  req: (request: FastifyRequest) => ({ method: request.method, route: routeOf(request) }),
  res: (reply: Pick<FastifyReply, 'statusCode'>) => ({ status: reply.statusCode }),
  err: serializeError,
};

/** What the log says instead of the path of a request no route matched. */
export const NO_ROUTE = '(no route)';

/**
 * The matched route's pattern (`/api/v1/devices/:id`), so ids in the path stay out of the log.
 * A static file the server found logs its path (a file of the build). A request no route matched
 * (a 404, or a screen's address answered with the app shell) logs no path at all: an unknown
 * address is whatever the sender typed, a child's code or an enrolment code included.
 */
function routeOf(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route === undefined) return NO_ROUTE;
  if (route !== '/*') return route;
  const path = request.url.split('?', 1)[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}

/**
 * An error's type, message, code and stack, and nothing else it carries: a PostgreSQL error's
 * `detail` and `where` quote the row that failed, which may be a child's record.
 */
export function serializeError(error: unknown): { type: string; message: string; stack: string; [key: string]: unknown } {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a non-Error value was thrown', stack: '' };
  const fields = error as Error & Record<string, unknown>;
  return {
    type: error.name,
    message: error.message,
    stack: error.stack ?? '',
    ...(typeof fields.code === 'string' && { code: fields.code }),
    ...(typeof fields.constraint === 'string' && { constraint: fields.constraint }),
    ...(typeof fields.table === 'string' && { table: fields.table }),
    ...(typeof fields.column === 'string' && { column: fields.column }),
    ...(error.cause !== undefined && { cause: serializeError(error.cause) }),
  };
}

/**
 * Fastify's request lines, reduced to one line per request written when it completes. Fastify's
 * own lines would log the raw URL, query string included, for a route that was not found.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ req: request }, 'route not found');
  }
}
