// Optional PNG of the SVG chart, rendered by Debian's chromium through playwright-core (both already installed for
// the end-to-end tests). Skipped, with the reason, when chromium is not there.
import { existsSync, readFileSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

/** Renders `svgFile` to `pngFile`; returns null on success, else why not. */
export async function renderPng(svgFile: string, pngFile: string): Promise<string | null> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  try {
    const svg = readFileSync(svgFile, 'utf8');
    const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 900);
    const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 600);
    const page = await browser.newPage({ viewport: { width, height } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: pngFile, clip: { x: 0, y: 0, width, height } });
    return null;
  } finally {
    await browser.close();
  }
}
