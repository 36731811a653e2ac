import type { FastifyServerOptions } from 'fastify';
import type { $ZodType } from 'zod/v4/core';
import { z } from '../shared/schema/common';

/**
 * Responses are written through their shared zod schema: the answer then holds the schema's
 * fields and no others (an extra field on a record is dropped, never leaked), an answer that
 * breaks its own schema is a 500 rather than a wrong answer on the wire, and the wire type is
 * written once, in src/shared/schema.
 *
 * Fastify's defaults would do this with JSON Schema, through ajv and fast-json-stringify. Daybook
 * validates every input with zod in its handlers, so those two were loaded only to serialise four
 * answers, and loading them was a second of CPU in every start: a crashed centre server must be
 * back within 3 s (issue 10). A zod schema has its own prototype, which Fastify takes for a
 * schema of a custom compiler and hands over unchanged: a route names it as it is
 * (`schema: { response: { 200: pullResponse } }`).
 */

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

export const zodSchemaController: SchemaController = {
  compilersFactory: {
    buildSerializer:
      () =>
      ({ schema }: { schema?: unknown }) =>
      (data: unknown) =>
        JSON.stringify(z.parse(schema as $ZodType, data)),
    // No route declares a body, query or params schema: zod checks them in the handler, where the
    // 400 names the field (routes/parse.ts). One declared by mistake fails the start, loudly.
    buildValidator: () => () => {
      throw new Error('Daybook routes validate their input with zod in the handler (routes/parse.ts), not with a Fastify schema');
    },
  },
};
