// chart.js with only what the app draws (tree-shaken), registered once, with the app's calm defaults.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { TICK_COLOR } from './chart-colors.js';

let registered = false;

export function chartJs(): typeof Chart {
  if (!registered) {
    Chart.register(
      LineController,
      LineElement,
      PointElement,
      LinearScale,
      CategoryScale,
      BarController,
      BarElement,
      Filler,
      Legend,
      Tooltip,
    );
    Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, Cantarell, sans-serif';
    Chart.defaults.font.size = 11;
    Chart.defaults.color = TICK_COLOR;
    registered = true;
  }
  return Chart;
}
