import { day, describeIssues, epochMs, hlc, recordId, z } from './common';
import { TEXT_LIMITS } from './limits';
import { opFieldsSchema, tableName, type TableName } from './tables';

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
  code: z.string().check(z.trim(), z.minLength(1), z.maxLength(TEXT_LIMITS.enrolmentCode)),
  deviceName: z.string().check(z.trim(), z.minLength(1), z.maxLength(TEXT_LIMITS.deviceName)),
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

/** The envelope every op shares; `fields` is checked against its table separately. */
const opEnvelope = z.object({
  seq: z.int().check(z.minimum(1)),
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
  const envelope = opEnvelope.safeParse(input);
  if (!envelope.success) return { ok: false, message: describeIssues(envelope.error) };
  const fields = opFieldsSchema(envelope.data.table).safeParse(envelope.data.fields);
  if (!fields.success) return { ok: false, message: describeIssues(fields.error, 'fields') };
  return { ok: true, op: { ...envelope.data, fields: fields.data } };
}

/** The push body: its shape is checked as a whole (400), each op on its own (rejected). */
export const pushRequest = z
  .object({
    protocol: z.int().check(z.minimum(1)),
    ops: z
      .array(z.looseObject({ seq: z.int().check(z.minimum(1)) }))
      .check(z.maxLength(MAX_OPS_PER_PUSH, { message: `must hold at most ${MAX_OPS_PER_PUSH} ops` })),
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

export const pullQuery = z.object({
  cursor: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PULL_LIMIT)), DEFAULT_PULL_LIMIT),
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

export const enrolmentCodeRequest = z.object({
  role,
  uses: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  ttlHours: z.optional(z.int().check(z.minimum(1), z.maximum(24 * 90))),
});
export const enrolmentCodeResponse = z.object({ code: z.string(), expiresAt: epochMs });

export const device = z.object({
  id: z.string(),
  name: z.string(),
  role,
  lastSeenAt: z.nullable(z.number()),
  revoked: z.boolean(),
});
export const devicesResponse = z.object({ devices: z.array(device) });

export const reportsQuery = z.object({
  from: day,
  to: day,
  format: z._default(z.enum(['json', 'csv']), 'json'),
  minCell: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
});
