// The renderer is served from app://dots/ (a privileged standard scheme) rather than file://: one origin for the
// IPC sender check and the CSP, and no access to the rest of the file system. This maps a request URL to a file
// under dist/renderer; anything else is a 404.

import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'dots';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export type ResolvedAsset = { ok: true; filePath: string; contentType: string } | { ok: false; status: 404 };

export function resolveAppAsset(requestUrl: string, rendererRoot: string): ResolvedAsset {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 404 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 404 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 404 };
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (pathname.includes('\0')) return { ok: false, status: 404 };
  const root = path.resolve(rendererRoot);
  const filePath = path.resolve(root, `.${pathname}`);
  if (filePath !== root && !filePath.startsWith(root + path.sep)) return { ok: false, status: 404 };
  const contentType = CONTENT_TYPES[path.extname(filePath).toLowerCase()];
  if (!contentType) return { ok: false, status: 404 };
  return { ok: true, filePath, contentType };
}
