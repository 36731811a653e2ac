import { day, epochMs, recordId, shortText, typedName, z } from './common';
import { jsonByteLength } from './json-shape';
import { SIZE_LIMITS, TEXT_LIMITS } from './limits';

/**
 * One zod object per table of product.md's data model, holding the fields a write may set.
 * `id` and `deleted` are common to every table. Wire names never change meaning: add, never rename.
 */

export const AGE_BANDS = ['0-2', '3-5', '6-8', '9-12', '13-17'] as const;
export const GENDERS = ['girl', 'boy', 'other', 'unspecified'] as const;

export const ageBand = z.enum(AGE_BANDS);
export const gender = z.enum(GENDERS);
/** ISO 639-1 or 639-3 language code, lower case. */
export const languageCode = z.string().check(z.regex(/^[a-z]{2,3}$/, { message: 'must be an ISO 639 code such as ar, fa, ps or ku' }));
/** A normalised child code: what `normaliseCode` returns. Never a name. */
export const childCode = z.string().check(z.regex(/^[0-9A-Z]{1,12}$/, { message: 'must be 1 to 12 letters or digits' }));
/** An activity type id from the centre's settings, e.g. `art` or `free-play`. */
export const activityId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'must be an activity type id' }));

const deleted = z.boolean();

export const tableFields = {
  children: z.strictObject({
    code: childCode,
    ageBand,
    gender,
    languages: z.array(languageCode).check(z.maxLength(12)),
    registeredOn: day,
    deleted,
  }),
  attendance: z.strictObject({
    childId: recordId,
    day,
    kind: z.enum(['in', 'out']),
    at: epochMs,
    deleted,
  }),
  sessions: z.strictObject({
    day,
    activity: activityId,
    startedAt: epochMs,
    endedAt: z.nullable(epochMs),
    place: z.optional(shortText(TEXT_LIMITS.place)),
    notes: z.optional(shortText(TEXT_LIMITS.notes)),
    deleted,
  }),
  participations: z.strictObject({
    sessionId: recordId,
    childId: recordId,
    /**
     * When the child left the session while it ran (checked out, moved to another session, taken
     * out), null while in it. Leaving is not deleting: they still took part, and the day's summary
     * counts them; `deleted` is for an addition undone.
     */
    leftAt: z.optional(z.nullable(epochMs)),
    deleted,
  }),
  volunteers: z.strictObject({
    displayName: typedName(TEXT_LIMITS.volunteerName),
    active: z.boolean(),
    deleted,
  }),
  shifts: z.strictObject({
    volunteerId: recordId,
    day,
    kind: z.enum(['on', 'off']),
    at: epochMs,
    deleted,
  }),
  dayCloses: z.strictObject({
    day,
    closedAt: epochMs,
    closedBy: recordId,
    notes: shortText(TEXT_LIMITS.notes),
    deleted,
  }),
  /**
   * One record per setting, its id the key. `value` is any JSON here, bounded in size; what each
   * key's value must be is checked where the key is known: settings.ts, applied by checkOp.
   */
  settings: z.strictObject({
    value: z.json().check(
      z.refine((value) => jsonByteLength(value) <= SIZE_LIMITS.settingValueBytes, {
        message: `Too big: a setting's value takes at most ${SIZE_LIMITS.settingValueBytes / 1024} KB as JSON`,
      }),
    ),
    deleted,
  }),
  /**
   * sync-protocol.md, Erasure: the erased child's id, and when. Lead only (the server refuses a
   * volunteer's). What merging one deletes on every replica comes with the data-protection work
   * (issue 11); until then the record is kept like any other.
   */
  erasures: z.strictObject({
    erasedAt: epochMs,
    deleted,
  }),
  /**
   * One row per time a code was registered for a child on a tablet: immutable, like attendance.
   * A child's record is derived from its code, so two children registered under one code on two
   * tablets merge into one record; the two registrations stay two rows, which is how a replica
   * sees that it happened (shared/code-clashes.ts) and what a lead's answer is written on.
   */
  registrations: z.strictObject({
    childId: recordId,
    code: childCode,
    ageBand,
    gender,
    languages: z.array(languageCode).check(z.maxLength(12)),
    registeredOn: day,
    at: epochMs,
    /**
     * True when the registering tablet issued the code itself, for a new child: a code issued
     * twice is two children, whatever their age band and gender (false or absent: typed in).
     */
    issued: z.optional(z.boolean()),
    /**
     * A lead's answer when this registration shared its code with another child's: the same
     * child after all, or another child, given the code of `movedTo`. Absent while unanswered.
     */
    resolution: z.optional(z.nullable(z.enum(['same-child', 'new-code']))),
    /** The child record this registration's child now is, after 'new-code'. */
    movedTo: z.optional(z.nullable(recordId)),
    /**
     * On the registration a lead's new code made: the registration it answered. Two leads who
     * answered one clash at once are then told apart, and the answer kept by `movedTo` stays.
     */
    movedFrom: z.optional(z.nullable(recordId)),
    deleted,
  }),
} as const;

export type TableName = keyof typeof tableFields;
export const TABLE_NAMES = Object.keys(tableFields) as TableName[];

/**
 * sync-protocol.md, Authority: only a lead device writes these. The server refuses a volunteer's
 * op on one with `LEAD_ONLY`; a tablet offers a volunteer no action that would write one.
 */
export const LEAD_ONLY_TABLES: ReadonlySet<TableName> = new Set(['settings', 'dayCloses', 'erasures']);
export const tableName = z.enum(TABLE_NAMES as [TableName, ...TableName[]]);

/** The fields of a whole record (what a replica holds once every field has been written). */
export type Fields<T extends TableName> = z.infer<(typeof tableFields)[T]>;
/** A whole record as a replica holds it. */
export type RecordOf<T extends TableName> = Fields<T> & { id: string };

/**
 * `{ place: undefined }` passes `.partial()` but sets nothing, and JSON drops it on the way to the
 * server: it must neither count as a write nor reach a replica as a field with an HLC.
 */
const setsSomething = (fields: object) => Object.values(fields).some((value) => value !== undefined);
const withoutUndefined = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/** What one write may set, per table: any non-empty subset of the table's fields. */
const opFieldSchemas = Object.fromEntries(
  TABLE_NAMES.map((table) => [
    table,
    z.pipe(
      z.partial(tableFields[table] as z.ZodMiniObject).check(z.refine(setsSomething, { message: 'must set at least one field' })),
      z.transform(withoutUndefined),
    ),
  ]),
) as unknown as { [T in TableName]: z.ZodMiniType<Partial<Fields<T>>> };

export function opFieldsSchema<T extends TableName>(table: T): z.ZodMiniType<Partial<Fields<T>>> {
  return opFieldSchemas[table];
}

/**
 * A complete record of each table: every required field present, plus its id. `deleted` is false
 * by default (product.md): a record no write ever deleted need not carry the field.
 */
const recordSchemas = Object.fromEntries(
  TABLE_NAMES.map((table) => [table, z.extend(tableFields[table] as z.ZodMiniObject, { id: recordId, deleted: z._default(deleted, false) })]),
) as unknown as { [T in TableName]: z.ZodMiniType<RecordOf<T>> };

export function recordSchema<T extends TableName>(table: T): z.ZodMiniType<RecordOf<T>> {
  return recordSchemas[table];
}

export type Child = RecordOf<'children'>;
export type AttendanceEvent = RecordOf<'attendance'>;
export type Session = RecordOf<'sessions'>;
export type Participation = RecordOf<'participations'>;
export type Volunteer = RecordOf<'volunteers'>;
export type ShiftEvent = RecordOf<'shifts'>;
export type DayClose = RecordOf<'dayCloses'>;
export type SettingRecord = RecordOf<'settings'>;
export type Erasure = RecordOf<'erasures'>;
export type Registration = RecordOf<'registrations'>;
export type AgeBand = z.infer<typeof ageBand>;
export type Gender = z.infer<typeof gender>;
