import { toJSONSchema } from 'zod';
import type { $ZodType } from 'zod/v4/core';

/**
 * A zod schema as the JSON Schema Fastify serializes a response with: the response then holds
 * the schema's fields and no others (an extra field on a record is dropped, never leaked), and
 * the wire type is still written once, in src/shared/schema. Takes classic and mini schemas alike.
 */
export function responseSchema(schema: $ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...jsonSchema } = toJSONSchema(schema, { target: 'draft-7' });
  return jsonSchema;
}
