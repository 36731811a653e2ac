import { gunzipSync } from 'node:zlib';
import type { BrowserContext, Page, Request, Route } from 'playwright-core';

/**
 * A record of every sync request a tablet's pages make (`/api/v1/sync/push` and `/pull`), taken
 * with `context.route`: which page sent it, the seqs a push carried and what the server answered,
 * and when it started and ended. Start and end are steps of one counter in this process, not
 * clock readings: a request is logged as started when the route sees it and as ended just before
 * the answer is handed back to the page, so "B started after A ended" holds exactly when B was
 * sent after A's answer left here, whatever the machine's load.
 */
export type SyncRequest = {
  /** The page's label, from `tabOf`. */
  tab: string;
  /** A sync's push or pull, or the waiting pull of live updates (`wait` > 0): a bell, outside the sync lock. */
  kind: 'push' | 'pull' | 'wait';
  /** The bearer token it carried: which enrolment (which server device) sent it. */
  token: string;
  /** For a push, the seqs of the ops in its body, in order. */
  seqs: number[];
  /** For a push answered 200, the server's `ackedSeq` and the seqs it listed as rejected. */
  ackedSeq: number | null;
  rejected: number[];
  status: number | null;
  started: number;
  /** Null while the request is in flight (or held). */
  ended: number | null;
};

export type SyncRecorder = {
  requests: SyncRequest[];
  /**
   * The next push goes to the server (which processes it) but its answer is held back from the
   * page until `release()`: the tablet's sync is then stuck at that await, as on a slow network.
   */
  holdNextPush(): { arrived: Promise<SyncRequest>; release: () => void };
  stop(): Promise<void>;
};

const SYNC_PATH = /\/api\/v1\/sync\/(push|pull)(\?|$)/;

type Hold = { arrive: (request: SyncRequest) => void; released: Promise<void> };

export async function recordSyncRequests(context: BrowserContext, tabOf: (page: Page) => string): Promise<SyncRecorder> {
  const requests: SyncRequest[] = [];
  let step = 0;
  let hold: Hold | null = null;

  async function onRoute(route: Route): Promise<void> {
    const request = route.request();
    const kind = SYNC_PATH.exec(request.url())?.[1] === 'push' ? 'push' : /[?&]wait=[1-9]/.test(request.url()) ? 'wait' : 'pull';
    const body = kind === 'push' ? pushBody(request) : null;
    const entry: SyncRequest = {
      tab: tabOf(request.frame().page()),
      kind,
      token: (request.headers()['authorization'] ?? '').replace(/^Bearer /, ''),
      seqs: (body?.ops ?? []).map((op) => op.seq),
      ackedSeq: null,
      rejected: [],
      status: null,
      started: ++step,
      ended: null,
    };
    requests.push(entry);
    const held = kind === 'push' ? hold : null;
    if (held) hold = null;
    try {
      const response = await route.fetch();
      entry.status = response.status();
      if (kind === 'push' && response.status() === 200) {
        const answer = (await response.json()) as { ackedSeq: number; rejected: { seq: number }[] };
        entry.ackedSeq = answer.ackedSeq;
        entry.rejected = answer.rejected.map((rejection) => rejection.seq);
      }
      if (held) {
        held.arrive(entry);
        await held.released;
      }
      entry.ended = ++step;
      await route.fulfill({ response });
    } catch {
      // The page or context closed under the request (the end of a test): nothing to hand back.
      entry.ended ??= ++step;
      await route.abort().catch(() => undefined);
    }
  }

  await context.route(SYNC_PATH, onRoute);
  return {
    requests,
    holdNextPush() {
      let arrive!: (request: SyncRequest) => void;
      let release!: () => void;
      const arrived = new Promise<SyncRequest>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { arrive, released };
      return { arrived, release };
    },
    stop: () => context.unrouteAll({ behavior: 'ignoreErrors' }),
  };
}

/**
 * Pairs of a sync's requests that were in flight at the same time, described for a failure
 * message. The waiting pulls of live updates are left out: each visible tab keeps one open by
 * design, outside the sync lock, and what they bring in comes through a sync.
 */
export function overlappingRequests(all: readonly SyncRequest[]): string[] {
  const requests = all.filter((request) => request.kind !== 'wait');
  const describe = (r: SyncRequest) => `${r.tab} ${r.kind}${r.seqs.length > 0 ? ` [${r.seqs[0]}..${r.seqs.at(-1)}]` : ''} (${r.started}-${r.ended ?? 'open'})`;
  const overlaps: string[] = [];
  requests.forEach((first, i) => {
    for (const second of requests.slice(i + 1)) {
      const firstEnd = first.ended ?? Infinity;
      const secondEnd = second.ended ?? Infinity;
      if (first.started < secondEnd && second.started < firstEnd) overlaps.push(`${describe(first)} overlaps ${describe(second)}`);
    }
  });
  return overlaps;
}

/** A push's body as JSON: the tablet gzips pushes from GZIP_FROM_BYTES on (transport.ts). */
function pushBody(request: Request): { ops?: { seq: number }[] } | null {
  const raw = request.postDataBuffer();
  if (raw === null) return null;
  const text = request.headers()['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return JSON.parse(text) as { ops?: { seq: number }[] };
}
