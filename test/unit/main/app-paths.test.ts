import { describe, expect, it } from 'vitest';
import { helperEntryPath, iconsDir, rendererRoot } from '../../../src/main/app-paths.js';

const packaged = { isPackaged: true, appPath: '/opt/DOTS Family/resources/app.asar', resourcesPath: '/opt/DOTS Family/resources' };
const checkout = { isPackaged: false, appPath: '/home/me/dots-family', resourcesPath: '/home/me/dots-family/node_modules/electron/dist/resources' };

describe('app paths', () => {
  it('finds the renderer inside the app (asar or checkout)', () => {
    expect(rendererRoot(packaged)).toBe('/opt/DOTS Family/resources/app.asar/dist/renderer');
    expect(rendererRoot(checkout)).toBe('/home/me/dots-family/dist/renderer');
  });

  it('finds the helper where electron-builder.yml puts it, outside the asar', () => {
    expect(helperEntryPath(packaged)).toBe('/opt/DOTS Family/resources/helper/dist/helper/cli.js');
    expect(helperEntryPath(checkout)).toBe('/home/me/dots-family/dist/helper/cli.js');
  });

  it('finds the tray icons in resources/icons', () => {
    expect(iconsDir(packaged)).toBe('/opt/DOTS Family/resources/icons');
    expect(iconsDir(checkout)).toBe('/home/me/dots-family/resources/icons');
  });
});
