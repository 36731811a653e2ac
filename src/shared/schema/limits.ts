/**
 * How long each free-text field may be: one place, read by the schemas (which refuse more) and by
 * the tablet's fields (which take no more than that), so a field never accepts text its check
 * then refuses. Short on purpose: free text must never hold a child's name or story.
 */
export const TEXT_LIMITS = {
  /** A session's place: "playground", "big tent". */
  place: 60,
  /** A session's or a day's notes. */
  notes: 500,
  /** A volunteer's first name or nickname. */
  volunteerName: 40,
  /** An activity type's label in the centre's settings. */
  activityLabel: 40,
  /** The name a tablet enrols under. */
  deviceName: 60,
  /** An enrolment code as typed. */
  enrolmentCode: 64,
} as const;

/**
 * How big and how deep a value may be, beside the text limits above: one place, read by the
 * schemas, the server's push and pull, and the tests that push past them.
 */
export const SIZE_LIMITS = {
  /**
   * A setting's `value`, as its JSON text in UTF-8. The largest real one (40 activity types) is
   * about 3 KB; without a bound, one volunteer's 3.5 MB values made every tablet's pull fail.
   */
  settingValueBytes: 64 * 1024,
  /**
   * Levels of arrays and objects inside a field's value. The deepest real one is 2 (activity
   * types: a list of objects); zod and the server's own walks recurse, so thousands of levels
   * (4 KB of "[") would overflow the stack and fail the whole batch.
   */
  valueDepth: 64,
  /** A pull page's JSON: one page of changes a tablet holds in memory and applies at once. */
  pullPageBytes: 4 * 1024 * 1024,
} as const;
