import { checkIssuedCode, checkWristbandCode, childIdFromCode, normaliseCode, type CodeProblem, type CodeScheme } from '../../../shared/codes';
import type { DaybookDatabase, Stored } from '../core/database';

/**
 * Reading a typed code and finding its child: what every check-in needs, kept apart from
 * registration (children.ts), which Today loads only once the first screen is drawn.
 */

export type CodeLookup =
  | { status: 'invalid'; problem: CodeProblem }
  | { status: 'found'; code: string; child: Stored<'children'> }
  | { status: 'unknown'; code: string };

/** Reads what a volunteer typed: normalised, checked against the centre's code scheme. */
export function readCode(typed: string, scheme: CodeScheme): { ok: true; code: string } | { ok: false; problem: CodeProblem } {
  const code = normaliseCode(typed, scheme);
  const check = scheme === 'issued' ? checkIssuedCode(code) : checkWristbandCode(code);
  return check.ok ? { ok: true, code } : check;
}

/** Finds the child a typed code names, or says why the code cannot be one. */
export async function lookUpCode(database: DaybookDatabase, typed: string, scheme: CodeScheme): Promise<CodeLookup> {
  const read = readCode(typed, scheme);
  if (!read.ok) return { status: 'invalid', problem: read.problem };
  const child = await database.children.get(childIdFromCode(read.code));
  return child && !child.deleted ? { status: 'found', code: read.code, child } : { status: 'unknown', code: read.code };
}

/** Registered children whose code starts with `prefix` (already normalised), by the `code` index. */
export async function loadCodeSuggestions(database: DaybookDatabase, prefix: string, limit: number): Promise<Stored<'children'>[]> {
  if (prefix.length === 0) return [];
  // A few more than asked for: deleted children are dropped after reading.
  const matches = await database.children.where('code').startsWith(prefix).limit(limit + 4).toArray();
  return matches.filter((child) => !child.deleted).slice(0, limit);
}
