// Serves app://dots/ from dist/renderer with the CSP header (Electron glue around app-protocol.ts).

import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME, resolveAppAsset } from './app-protocol.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export function serveAppScheme(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(request.url, rendererRoot);
    if (!asset.ok) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(asset.filePath).toString());
    if (!file.ok) return new Response('not found', { status: 404 });
    return new Response(file.body, {
      status: 200,
      headers: {
        'Content-Type': asset.contentType,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
