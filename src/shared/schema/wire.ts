import { day, describeIssues, epochMs, FIRST_RECORDED_DAY, hlc, HLC_PATTERN, LAST_RECORDED_DAY, recordId, typedName, z } from './common';
import { findShapeProblem, type ShapeProblem } from './json-shape';
import { SIZE_LIMITS, TEXT_LIMITS } from './limits';
import { SETTING_KEYS, settingSchemas, type SettingKey } from './settings';
import { opFieldsSchema, TABLE_NAMES, tableName, type TableName } from './tables';

/** Messages of sync-protocol.md, version 1. Types come from these schemas, never written twice. */

export const PROTOCOL_VERSION = 1;
export const MAX_OPS_PER_PUSH = 1000;
export const MAX_PULL_LIMIT = 5000;
export const DEFAULT_PULL_LIMIT = 1000;

export const errorBody = z.object({
  error: z.object({
    code: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/)),
    message: z.string().check(z.minLength(1)),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const healthResponse = z.object({
  status: z.literal('ok'),
  protocol: z.literal(PROTOCOL_VERSION),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof healthResponse>;

export const role = z.enum(['lead', 'volunteer']);
export type Role = z.infer<typeof role>;

export const enrolRequest = z.object({
  // Never stored: spaces in it are the server's normalising to ignore (secrets.ts), like dashes.
  code: z.string().check(
    z.minLength(1),
    z.refine((text: string) => text.trim() !== '', { message: 'Too small: expected a character other than spaces' }),
    z.maxLength(TEXT_LIMITS.enrolmentCode),
  ),
  // Stored and listed to the lead as it came: refused rather than trimmed (common.ts typedName).
  deviceName: typedName(TEXT_LIMITS.deviceName),
});
export const enrolResponse = z.object({
  deviceId: z.string(),
  token: z.string(),
  role,
  centre: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
  /** Added to the contract's answer: the letter this device issues child codes under (null when all are taken). */
  codeSeries: z.optional(z.nullable(z.string())),
});
export type EnrolRequest = z.infer<typeof enrolRequest>;
export type EnrolResponse = z.infer<typeof enrolResponse>;

/**
 * The highest seq a device may send: 2^52, far beyond any device's writes (a million a day for ten
 * thousand years) and still exact with room to count on. It is the envelope's check, so an op
 * beyond it fails its whole body: listed as one op's rejection it would still be acknowledged,
 * and the device's acknowledged seq, once that high, would skip every later op of the device.
 */
export const MAX_SEQ = 2 ** 52;
const seq = z.int().check(z.minimum(1), z.maximum(MAX_SEQ));

/** The envelope every op shares; `fields` is checked against its table separately. */
const opEnvelope = z.object({
  seq,
  table: tableName,
  id: recordId,
  hlc,
  fields: z.record(z.string(), z.unknown()),
});

export type Op = {
  seq: number;
  table: TableName;
  id: string;
  hlc: string;
  fields: Record<string, unknown>;
};

export type OpCheck = { ok: true; op: Op } | { ok: false; message: string };

/**
 * Checks one op on its own (sync-protocol.md: an invalid op is rejected with a reason and does not
 * block the rest of its batch). The message names the offending field.
 */
export function checkOp(input: unknown): OpCheck {
  // Before any schema: zod's JSON schema recurses, and drops a `__proto__` key from what it returns.
  const shape = findShapeProblem(input, OP_DEPTH);
  if (shape) return { ok: false, message: shapeMessage(shape) };
  let data: Op | undefined = plainEnvelope(input);
  if (!data) {
    const envelope = opEnvelope.safeParse(input);
    if (!envelope.success) return { ok: false, message: describeIssues(envelope.error) };
    data = envelope.data;
  }
  const fields = opFieldsSchema(data.table).safeParse(data.fields);
  if (!fields.success) return { ok: false, message: describeIssues(fields.error, 'fields') };
  if (data.table === 'settings') {
    const problem = settingProblem(data.id, data.fields);
    if (problem) return { ok: false, message: problem };
  }
  return { ok: true, op: { seq: data.seq, table: data.table, id: data.id, hlc: data.hlc, fields: fields.data } };
}

const TABLES: ReadonlySet<string> = new Set(TABLE_NAMES);

/**
 * The envelope of an op that opEnvelope accepts without a doubt, read without zod: what nearly
 * every op of a push is, and zod's parse of it (a copy of the op and of its fields, thrown away
 * once the table's schema has read them) was a third of a push's checks. Anything else is
 * undefined and goes to opEnvelope, which accepts or words the problem as before: this only
 * says yes where opEnvelope says yes, and gives the same seq, table, id, hlc and fields.
 */
function plainEnvelope(input: unknown): Op | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const { seq, table, id, hlc, fields } = input as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || seq > MAX_SEQ) return undefined;
  if (typeof table !== 'string' || !TABLES.has(table)) return undefined;
  if (typeof id !== 'string' || id.length < 1 || id.length > 64) return undefined;
  if (typeof hlc !== 'string' || !HLC_PATTERN.test(hlc)) return undefined;
  if (typeof fields !== 'object' || fields === null || Object.getPrototypeOf(fields) !== Object.prototype) return undefined;
  return { seq, table: table as TableName, id, hlc, fields: fields as Record<string, unknown> };
}

/** The op itself and its `fields` are two levels; a field's value may nest SIZE_LIMITS.valueDepth more. */
const OP_DEPTH = 2 + SIZE_LIMITS.valueDepth;

function shapeMessage({ kind, path }: ShapeProblem): string {
  if (kind === 'prototype-key') return `${path.join('.')}: unknown field`;
  // The field it is in, not the whole path down past the bound: that is 65 keys long.
  const field = path.slice(0, path[0] === 'fields' ? 2 : 1).join('.');
  return `${field}: nested more than ${SIZE_LIMITS.valueDepth} levels deep`;
}

/**
 * A settings op's key and value, by the key's own schema. A value stored as sent and read by no
 * tablet (a key it does not know, a value its schema refuses: settings.ts falls back to the
 * default) would sit in every replica for nothing, or hide the lead's mistake until it is read.
 * An unknown key is refused too: the tablets come from this server, so none is newer than it,
 * and a key it does not know is nobody's setting.
 */
function settingProblem(key: string, fields: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(settingSchemas, key)) return `id: not one of the centre's settings (${SETTING_KEYS.join(', ')})`;
  if (!('value' in fields)) return undefined;
  const value = settingSchemas[key as SettingKey].safeParse(fields.value);
  return value.success ? undefined : describeIssues(value.error, 'fields.value');
}

/**
 * An op in the push body as the body holds it, once its seq is known to be good. The rest of the
 * op is checkOp's, on the object itself: a copy made by zod would already lack a `__proto__` key.
 */
const opSeq = z.looseObject({ seq });
const pushedOp = z.custom<{ seq: number }>().check((payload) => {
  // What opSeq accepts, without the copy of the whole op that its parse makes and nobody reads.
  if (hasGoodSeq(payload.value)) return;
  const checked = opSeq.safeParse(payload.value);
  // Already worded and placed (`seq`, under the op's index once the array adds it); zod keeps
  // the input out of a finished issue unless asked, and so does this.
  if (!checked.success) for (const issue of checked.error.issues) payload.issues.push({ ...issue, input: undefined });
});

function hasGoodSeq(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { seq } = value as { seq?: unknown };
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 && seq <= MAX_SEQ;
}

/** The push body: its shape is checked as a whole (400), each op on its own (rejected). */
export const pushRequest = z
  .object({
    protocol: z.int().check(z.minimum(1)),
    ops: z.array(pushedOp).check(z.maxLength(MAX_OPS_PER_PUSH, { message: `must hold at most ${MAX_OPS_PER_PUSH} ops` })),
  })
  .check(
    z.refine((body) => body.ops.every((op, i) => i === 0 || op.seq > body.ops[i - 1]!.seq), {
      message: 'ops must be in increasing seq order',
      path: ['ops'],
    }),
  );

export const rejection = z.object({
  seq: z.int(),
  code: z.string(),
  message: z.string(),
  /**
   * Added to the contract's answer: the server's current state of the record the refused op
   * named (null when the server holds none), so a tablet that wrote it locally can restore it.
   * Absent only when the op's table or id was itself invalid.
   */
  record: z.optional(z.nullable(z.object({ fields: z.record(z.string(), z.unknown()), hlcs: z.record(z.string(), hlc) }))),
});
export const pushResponse = z.object({
  ackedSeq: z.int().check(z.minimum(0)),
  rejected: z.array(rejection),
  serverTime: z.number(),
});
export type PushResponse = z.infer<typeof pushResponse>;
export type Rejection = z.infer<typeof rejection>;

/** The longest a pull may wait for a change (`wait`, in seconds; sync-protocol.md). */
export const MAX_PULL_WAIT_SECONDS = 30;

export const pullQuery = z.object({
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PULL_LIMIT)), DEFAULT_PULL_LIMIT),
  wait: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(MAX_PULL_WAIT_SECONDS)), 0),
});

export const change = z.object({
  cursor: z.int().check(z.minimum(1)),
  table: tableName,
  id: recordId,
  fields: z.record(z.string(), z.unknown()),
  hlcs: z.record(z.string(), hlc),
});
export type Change = z.infer<typeof change>;

export const pullResponse = z.object({
  changes: z.array(change),
  nextCursor: z.int().check(z.minimum(0)),
  hasMore: z.boolean(),
  serverTime: z.number(),
});
export type PullResponse = z.infer<typeof pullResponse>;

/**
 * A pull page as a tablet reads it: like `pullResponse`, but a change may name a table this
 * version does not know (a table a newer server added). With `tableName` there, one such change
 * failed the parse of the whole page, so every sync failed and the cursor stuck; the tablet
 * keeps such a change until it is updated (apply-page.ts). The server answers with `pullResponse`.
 */
export const pulledChange = z.object({
  cursor: z.int().check(z.minimum(1)),
  // Short, like an id: a table name is a word, and this text becomes part of a local key.
  table: z.string().check(z.minLength(1), z.maxLength(64)),
  id: recordId,
  fields: z.record(z.string(), z.unknown()),
  hlcs: z.record(z.string(), hlc),
});
export type PulledChange = z.infer<typeof pulledChange>;

export const pullPage = z.object({
  changes: z.array(pulledChange),
  nextCursor: z.int().check(z.minimum(0)),
  hasMore: z.boolean(),
  serverTime: z.number(),
});
export type PullPage = z.infer<typeof pullPage>;

export const enrolmentCodeRequest = z.object({
  role,
  uses: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  ttlHours: z.optional(z.int().check(z.minimum(1), z.maximum(24 * 90))),
});
export const enrolmentCodeResponse = z.object({ code: z.string(), expiresAt: epochMs });
export type EnrolmentCodeRequest = z.infer<typeof enrolmentCodeRequest>;
export type EnrolmentCode = z.infer<typeof enrolmentCodeResponse>;

export const device = z.object({
  id: z.string(),
  name: z.string(),
  role,
  lastSeenAt: z.nullable(z.number()),
  revoked: z.boolean(),
});
export const devicesResponse = z.object({ devices: z.array(device) });
export type Device = z.infer<typeof device>;

/** A report's first or last day: any day a record can be on (common.ts), so date arithmetic never leaves the calendar. */
const reportDay = day.check(
  z.refine((text: string) => text >= FIRST_RECORDED_DAY && text <= LAST_RECORDED_DAY, {
    message: `must be a day from ${FIRST_RECORDED_DAY} to ${LAST_RECORDED_DAY}, when records can be`,
  }),
);

export const reportsQuery = z.object({
  from: reportDay,
  to: reportDay,
  format: z._default(z.enum(['json', 'csv']), 'json'),
  minCell: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
});
