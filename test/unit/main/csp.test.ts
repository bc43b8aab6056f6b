import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, withCsp } from '../../../src/main/csp.js';

const indexHtml = readFileSync(path.resolve(import.meta.dirname, '../../../src/renderer/index.html'), 'utf8');

describe('Content-Security-Policy', () => {
  it('is strict: own scripts and styles only, no network, no plugins, no framing', () => {
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('is the same in index.html, minus frame-ancestors which a meta tag cannot carry', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(indexHtml)?.[1];
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
    expect(meta).not.toContain('frame-ancestors');
  });

  it('replaces whatever policy a response had, in any letter case', () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
