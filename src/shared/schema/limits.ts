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
