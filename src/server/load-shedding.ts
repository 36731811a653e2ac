import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { deviceOf } from './auth';
import { RETRY_AFTER_BUSY_SECONDS } from './error-replies';
import { ApiError } from './errors';
import type { Store } from './store/types';

/**
 * Pushes turned away before they start (issue 10, finding 3). A push holds a database connection
 * for its whole transaction, and the pushes of one centre take turns on the centre's row lock
 * (sync/push.ts): past a few at once, more only wait in line holding connections, until the pool
 * has none left for anyone and requests time out. So a push beyond the caps is answered at once,
 * before its body is read: beyond the total before even its token is looked up, beyond its
 * centre's share or its device's one right after. 503 with Retry-After when the server or the
 * centre is busy, 429 when the same device already has a push running (a tablet sends one at a
 * time; a second one is a retry racing the first, or a client that floods).
 */

export interface PushLimits {
  /** Pushes handled at once, every centre together. */
  total: number;
  /** Pushes of one centre handled at once. */
  perCentre: number;
}

// Connections left for what is not a push (token lookups, pulls, reports): all short.
const CONNECTIONS_KEPT_FOR_THE_REST = 2;
// The pushes of a centre take turns anyway; a few in line keep its lock busy without hoarding
// (eight: a centre's tablets coming back online together are let in, not told to wait).
const MAX_PUSHES_PER_CENTRE = 8;
// PGlite is one session: its transactions take turns in memory, holding no connection.
const PGLITE_PUSHES = 8;

export function pushLimitsFor(store: Pick<Store, 'driver' | 'connections'>): PushLimits {
  const total = store.driver === 'pglite' ? PGLITE_PUSHES : Math.max(1, (store.connections ?? 1) - CONNECTIONS_KEPT_FOR_THE_REST);
  return { total, perCentre: Math.min(total, MAX_PUSHES_PER_CENTRE) };
}

const PUSH_ROUTE = '/api/v1/sync/push';

declare module 'fastify' {
  interface FastifyInstance {
    /** Pushes holding a place now: from after their token lookup until their handler ends. */
    pushesInFlight(): number;
  }
}

const serverBusy = () =>
  new ApiError(503, 'SERVER_BUSY', 'The server is busy; your changes are kept on the device and will be sent again shortly.', RETRY_AFTER_BUSY_SECONDS);
const centreBusy = () =>
  new ApiError(503, 'SERVER_BUSY', "The server is busy with this centre's other tablets; your changes are kept and will be sent again shortly.", RETRY_AFTER_BUSY_SECONDS);
const alreadyPushing = () =>
  new ApiError(429, 'TOO_MANY_REQUESTS', 'This device is already sending its changes; wait for that to finish.', RETRY_AFTER_BUSY_SECONDS);

/** The pushes in flight, counted in all, per centre and per device. */
export class PushCounter {
  private total = 0;
  private readonly centres = new Map<string, number>();
  private readonly devices = new Set<string>();

  constructor(private readonly limits: PushLimits) {}

  /**
   * Takes a place in the total, before the token is looked up, or throws the 503. Only that many
   * pushes go on to do anything at all, the token lookup included: a crowd turned away costs the
   * database nothing, and the pushes let in do not wait behind the crowd's lookups for a connection.
   */
  enter(): PushTicket {
    if (this.total >= this.limits.total) throw serverBusy();
    this.total += 1;
    let admitted: { centreId: string; deviceId: string } | undefined;
    let released = false;
    const ticket: PushTicket = {
      handling: false,
      abandoned: false,
      admit: (centreId, deviceId) => {
        if (this.devices.has(deviceId)) throw alreadyPushing();
        const centre = this.centres.get(centreId) ?? 0;
        if (centre >= this.limits.perCentre) throw centreBusy();
        this.centres.set(centreId, centre + 1);
        this.devices.add(deviceId);
        admitted = { centreId, deviceId };
      },
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        if (!admitted) return;
        const left = (this.centres.get(admitted.centreId) ?? 1) - 1;
        if (left > 0) this.centres.set(admitted.centreId, left);
        else this.centres.delete(admitted.centreId);
        this.devices.delete(admitted.deviceId);
      },
    };
    return ticket;
  }

  /** Pushes holding a place now. */
  get inFlight(): number {
    return this.total;
  }
}

/** A push's place: in the total from its first hook, for its centre and device once its token is known. */
export interface PushTicket {
  /** Its handler is running, and gives the place back when it ends. */
  handling: boolean;
  /** The connection closed before the handler started: nobody is left to read the answer. */
  abandoned: boolean;
  /** Counts the push for its centre and device, or throws the 429 or 503. */
  admit: (centreId: string, deviceId: string) => void;
  release: () => void;
}

/**
 * Registers the shedding on the root instance, before the routes: a hook before the token lookup
 * (a place in the total), one after it and before the body is read (room for this centre and
 * this device?), and the push handler wrapped so its place is given back whenever it ends.
 */
export function shedPushLoad(app: FastifyInstance, limits: PushLimits): void {
  const counter = new PushCounter(limits);
  const tickets = new WeakMap<FastifyRequest, PushTicket>();
  const isPush = (request: FastifyRequest) => request.method === 'POST' && request.routeOptions.url === PUSH_ROUTE;
  app.decorate('pushesInFlight', () => counter.inFlight);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url !== PUSH_ROUTE || !methods.includes('POST')) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function admittedPush(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const ticket = tickets.get(request);
      // A client that hung up after sending its body would otherwise run its push unbounded:
      // repeating that is how the caps could be walked around. Its tablet sends the batch again.
      if (!ticket || ticket.abandoned) throw serverBusy();
      ticket.handling = true;
      try {
        return await handler.call(this, request, reply);
      } finally {
        ticket.release();
      }
    };
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isPush(request)) return;
    const ticket = counter.enter();
    tickets.set(request, ticket);
    // The answer went out (a 401, or a 400 or 413 about the body) or the connection closed
    // before the handler ran: nothing else will give the place back. A running handler gives
    // it back itself, when its work is done.
    reply.raw.once('close', () => {
      if (ticket.handling) return;
      ticket.abandoned = true;
      ticket.release();
    });
  });

  // After the route's own onRequest hook (the token, so the centre is known), before the body.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const ticket = tickets.get(request);
    if (!ticket) return payload;
    const device = deviceOf(request);
    ticket.admit(device.centreId, device.id);
    return payload;
  });
}
