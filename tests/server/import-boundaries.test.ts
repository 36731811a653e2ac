import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { boundaryConfigs } from '../../eslint.boundaries.js';

// The boundaries of style.md, linted on snippets: each case names a file and what it imports.
const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...boundaryConfigs],
});

async function problems(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).map((message) => message.message);
}

describe('import boundaries', () => {
  it.each([
    ['a feature importing another feature', 'src/client/features/today/x.tsx', "import { S } from '../sessions/sessions-screen';", /Features never import each other \(today -> sessions\)/],
    ['a feature importing another by a longer path', 'src/client/features/summary/x.ts', "import { T } from '../../features/today/today-screen';", /summary -> today/],
    ['shared importing the client', 'src/shared/x.ts', "import { db } from '../client/db/db';", /imports neither/],
    ['shared importing Node', 'src/shared/x.ts', "import { readFile } from 'node:fs';", /no DOM, no Node/],
    ['shared importing Dexie', 'src/shared/x.ts', "import Dexie from 'dexie';", /no DOM, no Node/],
    ['the client importing the server', 'src/client/db/x.ts', "import { buildApp } from '../../server/app';", /never imports server code/],
    ['a feature importing the server', 'src/client/features/today/x.ts', "import { buildApp } from '../../../server/app';", /never imports server code/],
    ['the server importing the client', 'src/server/x.ts', "import { db } from '../client/db/db';", /never imports tablet code/],
  ])('refuses %s, saying why', async (_case, file, source, message) => {
    const found = await problems(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each([
    ['a feature importing shared code', 'src/client/features/today/x.ts', "import { presentAt } from '../../../shared/presence';"],
    ['a feature importing client/db and client/ui', 'src/client/features/today/x.ts', "import { db } from '../../db/db';\nimport { ActionNotice } from '../../ui/actions';"],
    ['a feature importing its own files', 'src/client/features/sessions/x.ts', "import { S } from './sessions-screen';"],
    ['the server importing shared code', 'src/server/x.ts', "import { checkOp } from '../shared/schema';"],
  ])('allows %s', async (_case, file, source) => {
    expect(await problems(file, source)).toEqual([]);
  });
});
