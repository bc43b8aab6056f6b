// What an age-group preset sets, in a few lines for the create form's preview (AGE_GROUP_PRESETS is the source).

import { AGE_GROUP_PRESETS, WEEKDAYS, type AgeGroup, type AllowedHours } from '../../shared/time-rules.js';
import { formatBytes, formatRate } from '../../shared/units.js';
import { formatMinutes } from './time-rules-form.js';

export const AGE_GROUP_LABELS: Readonly<Record<AgeGroup, string>> = {
  '5-7': '5–7 years',
  '8-12': '8–12 years',
  '13-17': '13–17 years',
};

export interface PresetLine {
  label: string;
  value: string;
}

const DAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Consecutive weekdays with the same windows as one line: "Mon–Thu 06:00-22:00". */
function allowedHoursLines(hours: AllowedHours): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 1; i <= WEEKDAYS.length; i++) {
    const same = i < WEEKDAYS.length && hours.days[WEEKDAYS[i]!].join() === hours.days[WEEKDAYS[start]!].join();
    if (same) continue;
    const days = i - 1 === start ? DAY_SHORT[start]! : `${DAY_SHORT[start]}–${DAY_SHORT[i - 1]}`;
    const windows = hours.days[WEEKDAYS[start]!];
    lines.push(`${days} ${windows.length ? windows.join(', ') : 'not allowed'}`);
    start = i;
  }
  return lines;
}

export function presetPreview(group: AgeGroup): PresetLine[] {
  const limits = AGE_GROUP_PRESETS[group];
  const time = limits.time;
  const lines: PresetLine[] = [];
  if (time?.allowedHours) lines.push({ label: 'Allowed hours', value: allowedHoursLines(time.allowedHours).join('; ') });
  if (time) {
    lines.push({
      label: 'Screen time',
      value: time.screenTimeSecondsPerDay === null ? 'No daily budget' : `${formatMinutes(time.screenTimeSecondsPerDay)} a day`,
    });
  }
  const memory = limits.memory.max_process_memory_mb;
  if (memory !== null) lines.push({ label: 'Memory per program', value: formatBytes(memory * 1e6) });
  const { max_download_mbps: down, max_upload_mbps: up } = limits.network;
  if (down !== null || up !== null) {
    lines.push({
      label: 'Network',
      value: [down !== null ? `↓ ${formatRate(down * 1e6)}` : null, up !== null ? `↑ ${formatRate(up * 1e6)}` : null]
        .filter(Boolean)
        .join(' · '),
    });
  }
  const disk = limits.diskIo.max_bandwidth_mbps;
  if (disk !== null) lines.push({ label: 'Disk bandwidth', value: formatRate(disk * 1e6, { as: 'bytes' }) });
  return lines;
}
