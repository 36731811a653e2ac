/**
 * The restart probe (restart.ts): the server's start in main.ts's order, with the wall clock and
 * the process's CPU time after each step, printed as one line; then it kills itself, as the
 * server was killed, so the next start recovers again. Bundled like the server itself
 * (`npm run build:server`), so that it loads what `npm start` loads and nothing else. CPU time
 * beside the wall clock: on a machine whose cores are busy, the wall clock says more about the
 * neighbours than about the start.
 */
import { buildApp } from '../../src/server/app';
import { lockDataDir } from '../../src/server/store/data-dir-lock';
import { clearInterruptedCreation, prepareDataDir } from '../../src/server/store/data-dir';
import { applyMigrations } from '../../src/server/store/migrate';
import { migrations } from '../../src/server/store/migrations';
import { analyseStaleTables, openPglite } from '../../src/server/store/pglite-driver';

type Mark = [name: string, at: number, cpuMs: number];
const cpu = () => {
  const used = process.cpuUsage();
  return Math.round((used.user + used.system) / 1000);
};
const marks: Mark[] = [['node started', Math.round(performance.timeOrigin), 0], ['modules loaded', Date.now(), cpu()]];
const mark = (name: string) => marks.push([name, Date.now(), cpu()]);

const dir = await prepareDataDir(process.env.DATA_DIR ?? '');
lockDataDir(dir, 'server');
await clearInterruptedCreation(dir);
mark('DATA_DIR checked and locked');
const { store, session } = await openPglite(dir);
mark('PGlite opened (and recovered)');
await applyMigrations(session, migrations);
mark('migrations checked');
await analyseStaleTables(store);
mark('statistics checked');
const app = await buildApp({ store, version: 'probe', staticDir: process.env.STATIC_DIR ?? '', logger: false });
await app.ready();
mark('app built');
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
mark('listening');
process.stdout.write(`steps ${JSON.stringify(marks)}\n`, () => process.kill(process.pid, 'SIGKILL'));
