/**
 * The languages Daybook speaks, English first: the source every translation follows. A plain
 * module (no React), so the build configuration reads the same list to give each its chunks.
 */
export const LANGUAGES = ['en', 'fr', 'ar', 'ckb', 'fa'] as const;
export type Language = (typeof LANGUAGES)[number];
