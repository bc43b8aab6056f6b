// Series colours: calm, distinguishable, and the same meaning everywhere (read/download blue, write/upload amber).
export const SERIES_COLORS = {
  primary: '#3b6ea8',
  secondary: '#c98a2b',
  tertiary: '#4f9a7a',
  muted: '#8a94a3',
} as const;

export const GRID_COLOR = 'rgba(60, 72, 88, 0.12)';
export const TICK_COLOR = '#5b6675';
export const BUDGET_COLOR = '#b64a4a';
