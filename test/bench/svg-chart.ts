// A small hand-written SVG line chart (no chart library): one panel per series stacked over a shared time axis,
// lines broken where sampling paused (between monitored phases).

export interface ChartPoint {
  tMs: number;
  value: number;
}

export interface ChartSeries {
  label: string;
  unit: string;
  color: string;
  points: ChartPoint[];
}

export interface ChartOptions {
  title: string;
  series: ChartSeries[];
  /** A gap between samples longer than this breaks the line. Default 3 s. */
  gapMs?: number;
  width?: number;
  panelHeight?: number;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function formatTick(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return `${+value.toFixed(2)}`;
}

export function renderSvgChart({ title, series, gapMs = 3000, width = 900, panelHeight = 170 }: ChartOptions): string {
  const margin = { left: 70, right: 20, top: 40, bottom: 40 };
  const gap = 34;
  const plotWidth = width - margin.left - margin.right;
  const height = margin.top + series.length * (panelHeight + gap) - gap + margin.bottom;
  const allTimes = series.flatMap((s) => s.points.map((p) => p.tMs));
  const t0 = allTimes.length ? Math.min(...allTimes) : 0;
  const t1 = allTimes.length ? Math.max(...allTimes) : 1;
  const spanMs = Math.max(1, t1 - t0);
  const inMinutes = spanMs > 5 * 60_000;
  const x = (tMs: number) => margin.left + ((tMs - t0) / spanMs) * plotWidth;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="DejaVu Sans, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];

  series.forEach((s, index) => {
    const top = margin.top + index * (panelHeight + gap);
    const bottom = top + panelHeight;
    const finite = s.points.filter((p) => Number.isFinite(p.value));
    const yMax = niceCeiling(Math.max(0, ...finite.map((p) => p.value)) * 1.05);
    const y = (value: number) => bottom - (value / yMax) * panelHeight;

    out.push(`<text x="${margin.left}" y="${top - 6}" font-weight="bold">${escapeXml(`${s.label} (${s.unit})`)}</text>`);
    for (let i = 0; i <= 4; i++) {
      const value = (yMax * i) / 4;
      const yy = y(value).toFixed(1);
      out.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${yy}" y2="${yy}" stroke="#e4e4e4"/>`);
      out.push(`<text x="${margin.left - 6}" y="${yy}" dy="4" text-anchor="end" fill="#555">${formatTick(value)}</text>`);
    }
    out.push(
      `<rect x="${margin.left}" y="${top}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`,
    );

    // Lines, broken at pauses in sampling.
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) {
        out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.6" points="${segment.join(' ')}"/>`);
      } else if (segment.length === 1) {
        const [px, py] = segment[0]!.split(',');
        out.push(`<circle cx="${px}" cy="${py}" r="2" fill="${s.color}"/>`);
      }
      segment = [];
    };
    let previous: ChartPoint | null = null;
    for (const p of finite) {
      if (previous && p.tMs - previous.tMs > gapMs) flush();
      segment.push(`${x(p.tMs).toFixed(1)},${y(p.value).toFixed(1)}`);
      previous = p;
    }
    flush();

    // Time ticks on every panel's bottom edge.
    for (let i = 0; i <= 6; i++) {
      const tMs = t0 + (spanMs * i) / 6;
      const label = inMinutes ? `${((tMs - t0) / 60_000).toFixed(1)} min` : `${Math.round((tMs - t0) / 1000)} s`;
      out.push(`<text x="${x(tMs).toFixed(1)}" y="${bottom + 14}" text-anchor="middle" fill="#555">${label}</text>`);
    }
  });

  out.push('</svg>');
  return out.join('\n') + '\n';
}
