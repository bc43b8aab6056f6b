import { describe, expect, it } from 'vitest';
import { resolveAppAsset } from '../../../src/main/app-protocol.js';

const ROOT = '/opt/dots/resources/app.asar/dist/renderer';

describe('resolveAppAsset', () => {
  it('serves the built files with their content type', () => {
    expect(resolveAppAsset('app://dots/index.html', ROOT)).toEqual({
      ok: true,
      filePath: `${ROOT}/index.html`,
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppAsset('app://dots/', ROOT)).toMatchObject({ ok: true, filePath: `${ROOT}/index.html` });
    expect(resolveAppAsset('app://dots/assets/index-1.js?x=1#frag', ROOT)).toMatchObject({
      ok: true,
      filePath: `${ROOT}/assets/index-1.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('keeps dot segments inside the renderer directory', () => {
    for (const url of ['app://dots/../../../etc/passwd.js', 'app://dots/%2e%2e/%2e%2e/etc/passwd.js']) {
      expect(resolveAppAsset(url, ROOT)).toMatchObject({ ok: true, filePath: `${ROOT}/etc/passwd.js` });
    }
  });

  it.each([
    ['app://dots/assets/..%2f..%2f..%2fsecret.js'],
    ['app://other/index.html'],
    ['file:///etc/passwd'],
    ['app://dots/%00.js'],
    ['app://dots/%E0%A4%A.js'],
    ['app://dots/run.sh'],
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(url, ROOT)).toEqual({ ok: false, status: 404 });
  });
});
