// Where the app's own files are, packaged or run from a checkout. Plain: Electron's values are passed in.

import path from 'node:path';

export interface AppLocation {
  isPackaged: boolean;
  /** app.getAppPath(): the checkout root, or resources/app.asar when packaged. */
  appPath: string;
  /** process.resourcesPath: where extraResources go when packaged. */
  resourcesPath: string;
}

export function rendererRoot(location: AppLocation): string {
  return path.join(location.appPath, 'dist', 'renderer');
}

export function iconsDir(location: AppLocation): string {
  return location.isPackaged
    ? path.join(location.resourcesPath, 'icons')
    : path.join(location.appPath, 'resources', 'icons');
}

/**
 * The helper's entry point. Packaged, electron-builder.yml copies it outside the asar (it runs as root, from plain
 * files) as resources/helper/{package.json, dist/helper, dist/shared, build/bpf, node_modules}: the same relative
 * layout as a checkout, so the helper finds its package.json and BPF objects the same way in both.
 */
export function helperEntryPath(location: AppLocation): string {
  return location.isPackaged
    ? path.join(location.resourcesPath, 'helper', 'dist', 'helper', 'cli.js')
    : path.join(location.appPath, 'dist', 'helper', 'cli.js');
}
