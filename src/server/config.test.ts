import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBuild, describeDatabase, readConfig } from './config';
import { ConfigError } from './errors';

const CWD = '/srv/daybook';

describe('reading the environment', () => {
  it('has a default for everything', () => {
    expect(readConfig({}, CWD)).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/daybook/data',
      databaseUrl: undefined,
      databasePoolSize: 10,
      trustProxy: [],
      staticDir: '/srv/daybook/dist',
      logLevel: 'info',
      firstCentre: { name: 'My centre', timeZone: 'Europe/Paris' },
    });
  });

  it('takes every setting, resolving paths from the working directory', () => {
    const env = {
      PORT: '3000',
      HOST: '127.0.0.1',
      DATA_DIR: 'var/db',
      STATIC_DIR: '/opt/dist',
      LOG_LEVEL: 'WARN',
      DATABASE_URL: 'postgres://u:p@db:5433/daybook',
      DATABASE_POOL_SIZE: '25',
      TRUST_PROXY: ' loopback, 10.0.0.0/24 ,fd00::7 ',
      CENTRE_NAME: ' Dunkirk play centre ',
      CENTRE_TIME_ZONE: 'Europe/London',
    };
    expect(readConfig(env, CWD)).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/daybook/var/db',
      databaseUrl: 'postgres://u:p@db:5433/daybook',
      databasePoolSize: 25,
      trustProxy: ['loopback', '10.0.0.0/24', 'fd00::7'],
      staticDir: '/opt/dist',
      logLevel: 'warn',
      firstCentre: { name: 'Dunkirk play centre', timeZone: 'Europe/London' },
    });
  });

  it('treats a blank setting as unset', () => {
    expect(readConfig({ PORT: ' ', DATABASE_URL: '' }, CWD)).toMatchObject({ port: 8080, databaseUrl: undefined });
  });

  it.each([
    ['abc', 'PORT must be a whole number from 1 to 65535, not "abc"'],
    ['0', 'PORT must be a whole number from 1 to 65535, not "0"'],
    ['65536', 'PORT must be a whole number from 1 to 65535, not "65536"'],
    ['80.5', 'PORT must be a whole number from 1 to 65535, not "80.5"'],
    ['-1', 'PORT must be a whole number from 1 to 65535, not "-1"'],
    ['8080\nrm -rf', 'PORT must be a whole number from 1 to 65535, not "8080\\nrm -rf"'],
  ])('refuses PORT=%j in one line', (PORT, message) => {
    expect(() => readConfig({ PORT }, CWD)).toThrow(new ConfigError(message));
  });

  it.each(['1', '65535'])('accepts PORT=%s', (PORT) => {
    expect(readConfig({ PORT }, CWD).port).toBe(Number(PORT));
  });

  it.each([
    ['0', 'DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "0"'],
    ['101', 'DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "101"'],
    ['ten', 'DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "ten"'],
    ['2.5', 'DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "2.5"'],
  ])('refuses DATABASE_POOL_SIZE=%j in one line', (DATABASE_POOL_SIZE, message) => {
    expect(() => readConfig({ DATABASE_POOL_SIZE }, CWD)).toThrow(new ConfigError(message));
  });

  it.each(['1', '100'])('accepts DATABASE_POOL_SIZE=%s', (DATABASE_POOL_SIZE) => {
    expect(readConfig({ DATABASE_POOL_SIZE }, CWD).databasePoolSize).toBe(Number(DATABASE_POOL_SIZE));
  });

  it.each([
    ['false', []],
    ['127.0.0.1', ['127.0.0.1']],
    ['::1,192.168.1.0/24,uniquelocal', ['::1', '192.168.1.0/24', 'uniquelocal']],
  ])('reads TRUST_PROXY=%j as the proxies %j', (TRUST_PROXY, proxies) => {
    expect(readConfig({ TRUST_PROXY }, CWD).trustProxy).toEqual(proxies);
  });

  it.each([
    ['true', 'TRUST_PROXY must name the proxy (loopback, 10.0.0.5 or 10.0.0.0/24), not true: any client could then choose the address it is counted as'],
    ['proxy.local', 'TRUST_PROXY: "proxy.local" is not an address, a range such as 10.0.0.0/24, or one of loopback, linklocal, uniquelocal'],
    ['10.0.0.0/33', 'TRUST_PROXY: "10.0.0.0/33" is not an address, a range such as 10.0.0.0/24, or one of loopback, linklocal, uniquelocal'],
    ['10.0.0.1/8/8', 'TRUST_PROXY: "10.0.0.1/8/8" is not an address, a range such as 10.0.0.0/24, or one of loopback, linklocal, uniquelocal'],
    ['1', 'TRUST_PROXY: "1" is not an address, a range such as 10.0.0.0/24, or one of loopback, linklocal, uniquelocal'],
  ])('refuses TRUST_PROXY=%j in one line', (TRUST_PROXY, message) => {
    expect(() => readConfig({ TRUST_PROXY }, CWD)).toThrow(new ConfigError(message));
  });

  it('refuses an unknown LOG_LEVEL', () => {
    expect(() => readConfig({ LOG_LEVEL: 'loud' }, CWD)).toThrow(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"$/);
  });

  it.each([
    [{ CENTRE_TIME_ZONE: 'Europe/Dunkirk' }, 'CENTRE_TIME_ZONE must be an IANA time zone such as Europe/Paris, not "Europe/Dunkirk"'],
    [{ CENTRE_TIME_ZONE: 'CET+1' }, 'CENTRE_TIME_ZONE must be an IANA time zone such as Europe/Paris, not "CET+1"'],
    [{ CENTRE_NAME: 'x'.repeat(101) }, 'CENTRE_NAME must be 1 to 100 characters on one line'],
    [{ CENTRE_NAME: 'two\nlines' }, 'CENTRE_NAME must be 1 to 100 characters on one line'],
  ])('refuses the first centre %j in one line', (env, message) => {
    expect(() => readConfig(env, CWD)).toThrow(new ConfigError(message));
  });

  it('refuses a malformed DATABASE_URL without repeating it', () => {
    const reading = () => readConfig({ DATABASE_URL: 'mysql://root:hunter2@db/daybook' }, CWD);
    expect(reading).toThrow(ConfigError);
    expect(reading).not.toThrow(/hunter2/);
  });
});

describe('the start-up line', () => {
  it('names the embedded database by its directory', () => {
    expect(describeDatabase(readConfig({ DATA_DIR: '/data' }, CWD))).toBe('the embedded database in /data');
  });

  it('names PostgreSQL by host and port only', () => {
    const described = describeDatabase(readConfig({ DATABASE_URL: 'postgresql://admin:hunter2@db.internal/daybook' }, CWD));
    expect(described).toBe('PostgreSQL at db.internal:5432');
  });
});

describe('the build check', () => {
  it('passes when the build has an index.html, and says how to build when not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daybook-config-'));
    try {
      expect(() => checkBuild(dir)).toThrow(`no built app in ${dir} (index.html is missing); run \`npm run build\` first, or \`npm start\`, which builds`);
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      expect(() => checkBuild(dir)).not.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
