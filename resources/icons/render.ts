// Renders the SVG sources here to the PNGs the app and the packages use, with Debian's chromium:
//   node --import tsx resources/icons/render.ts
// app-256.png (window and notifications), linux/NxN.png (electron-builder's Linux icon set),
// tray-{normal,attention,offline}.png and @2x (the tray).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = import.meta.dirname;

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
  const page = await browser.newPage();
  const render = async (svgFile: string, size: number, out: string) => {
    const svg = readFileSync(path.join(here, svgFile), 'utf8').replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.screenshot({ path: path.join(here, out), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  };
  mkdirSync(path.join(here, 'linux'), { recursive: true });
  for (const size of [16, 32, 48, 64, 128, 256, 512]) await render('app.svg', size, `linux/${size}x${size}.png`);
  await render('app.svg', 256, 'app-256.png');
  for (const state of ['normal', 'attention', 'offline']) {
    await render(`tray-${state}.svg`, 22, `tray-${state}.png`);
    await render(`tray-${state}.svg`, 44, `tray-${state}@2x.png`);
  }
  await browser.close();
}

await main();
