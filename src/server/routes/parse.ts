import { describeIssues, z } from '../../shared/schema/common';
import { ApiError } from '../errors';

/**
 * Parses a body or query string with its shared schema, or throws a 400 whose message names the
 * offending field (`ops: must hold at most 1000 ops`), never its value. A body that is not an
 * object at all is named `body`.
 */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown, where: 'body' | 'query'): z.infer<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const unnamed = issue !== undefined && issue.path.length === 0 && issue.code !== 'unrecognized_keys';
  const message = describeIssues(result.error);
  throw badRequest(unnamed ? `${where}: ${message}` : message);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BAD_REQUEST', message);
}
