import { afterEach, describe, expect, it } from 'vitest';
import { chromiumPath } from '../support/chromium';

const saved = process.env.CHROMIUM_PATH;

afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
});

describe('finding Chromium for the end-to-end tests', () => {
  it('uses CHROMIUM_PATH when it names a file', () => {
    process.env.CHROMIUM_PATH = process.execPath;
    expect(chromiumPath()).toBe(process.execPath);
  });

  it('fails with a message that says what is wrong when CHROMIUM_PATH names nothing', () => {
    process.env.CHROMIUM_PATH = '/nowhere/chromium';
    expect(() => chromiumPath()).toThrow('CHROMIUM_PATH is set to /nowhere/chromium, but there is no file there.');
  });
});

describe('with no Chromium on the machine', () => {
  it('fails with a message that says how to install it', () => {
    delete process.env.CHROMIUM_PATH;
    expect(() => chromiumPath(['/nowhere/chromium'])).toThrow(/apt-get install -y chromium.*or set CHROMIUM_PATH/);
  });
});
