// @ts-check
/**
 * The import boundaries of style.md as ESLint rules, each with a sentence that says why:
 * features never import each other; shared code imports neither side; the tablet and the server
 * never import each other. Kept apart from eslint.config.js so a test can lint snippets against
 * these rules alone.
 */

/** The tablet app never imports server code. */
const NO_SERVER_IN_CLIENT = {
  group: ['**/server', '**/server/**'],
  message: 'The tablet app never imports server code: what both sides need lives in src/shared.',
};

export const FEATURES = ['today', 'sessions', 'shifts', 'close', 'summary', 'settings', 'enrol', 'sync-status', 'children', 'tablets', 'cards'];

/** Features never import each other: what two features share belongs in client/ui or client/db. */
/** @type {import("eslint").Linter.Config[]} */
const featureBoundaries = FEATURES.map((feature) => ({
  files: [`src/client/features/${feature}/**`],
  rules: {
    'no-restricted-imports': /** @type {const} */ ([
      'error',
      {
        // A later block replaces an earlier one's options for the same rule, so the
        // client-wide pattern is repeated here.
        patterns: [
          NO_SERVER_IN_CLIENT,
          ...FEATURES.filter((other) => other !== feature).map((other) => ({
            group: [`**/features/${other}`, `**/features/${other}/**`, `../${other}`, `../${other}/**`],
            message: `Features never import each other (${feature} -> ${other}). Move what both need into src/client/ui or src/client/db, and let src/client/app put the features together.`,
          })),
        ],
      },
    ]),
  },
}));

/** @type {import("eslint").Linter.Config[]} */
export const boundaryConfigs = [
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client', '**/client/**', '**/server', '**/server/**'],
              message: 'src/shared is imported by both the tablet and the server, so it imports neither: move the code it needs into src/shared.',
            },
            {
              group: ['node:*', 'fs', 'path', 'react', 'react-dom', 'dexie', 'fastify', 'pg', '@electric-sql/*'],
              message: 'src/shared has no DOM, no Node and no framework: it must run unchanged in the browser and on the server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/client/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SERVER_IN_CLIENT] }] },
  },
  ...featureBoundaries,
  {
    files: ['src/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client', '**/client/**'],
              message: 'The server never imports tablet code: what both sides need lives in src/shared.',
            },
          ],
        },
      ],
    },
  },
];
