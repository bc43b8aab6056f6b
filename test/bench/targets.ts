// The seed's performance targets, evaluated from measured numbers. Reported, never asserted: a noisy machine can
// miss one by chance. A slowdown is judged on the median of the per-round ratios and its 95 % bootstrap interval:
// pass when the whole interval is within the target, fail when all of it is beyond, within noise otherwise.

export type TargetStatus = 'pass' | 'fail' | 'within noise' | 'not measured';

export interface TargetResult {
  id: string;
  description: string;
  /** What was measured, readable ("0.4 % slower", "0 drops"). */
  measured: string;
  status: TargetStatus;
  note?: string;
}

export const LIMITS = {
  cpuSlowdownPercent: 1,
  ioSlowdownPercent: 3,
  networkSlowdownPercent: 2,
  /** "Bounded": the peak stays within a tenth of the map's 10 240 entries. */
  pendingIoPeakEntries: 1024,
  rssDriftPercent: 10,
  soakMinutesForRssTarget: 30,
} as const;

export interface Slowdown {
  /** From the median of each case (shown beside the paired one). */
  slowdownPercent: number;
  /** monitored / baseline of each round. */
  roundRatios: number[];
  /** From the median of the per-round ratios: what the target is judged on when present. */
  pairedSlowdownPercent?: number;
  /** Its 95 % interval, [low, high] (NaN with fewer than 3 rounds). */
  pairedSlowdownIntervalPercent?: [number, number];
}

const signed = (percent: number) =>
  percent >= 0 ? `${percent.toFixed(2)} % slower` : `${(-percent).toFixed(2)} % faster`;

function slowdownTarget(id: string, description: string, input: Slowdown | undefined, limit: number): TargetResult {
  const slowdown = input?.pairedSlowdownPercent ?? input?.slowdownPercent;
  if (slowdown === undefined || !Number.isFinite(slowdown)) {
    return { id, description, measured: 'n/a', status: 'not measured' };
  }
  const [low, high] = input!.pairedSlowdownIntervalPercent ?? [Number.NaN, Number.NaN];
  if (Number.isFinite(low) && Number.isFinite(high)) {
    const measured = `${signed(slowdown)} (95 % interval ${low.toFixed(1)} … ${high.toFixed(1)} %)`;
    if (high <= limit) return { id, description, measured, status: 'pass' };
    if (low > limit) return { id, description, measured, status: 'fail' };
    const note = `the interval spans the ${limit} % target: the machine's noise is larger than the effect; more rounds narrow it`;
    return { id, description, measured, status: 'within noise', note };
  }
  const ratios = input!.roundRatios.filter(Number.isFinite);
  const spreadPercent = ratios.length > 1 ? (Math.max(...ratios) - Math.min(...ratios)) * 100 : 0;
  const note =
    spreadPercent > limit
      ? `noisy: the rounds' ratios span ${spreadPercent.toFixed(1)} %, more than the ${limit} % target; ` +
        'rerun with more rounds on a quiet machine'
      : undefined;
  return { id, description, measured: signed(slowdown), status: slowdown <= limit ? 'pass' : 'fail', note };
}

export interface TargetInputs {
  cpu?: Slowdown;
  io?: Slowdown;
  netWatched?: Slowdown;
  netUnwatched?: Slowdown;
  /** Records lost to full ring buffers during the event-rate workload (all monitors, all rounds). */
  stressDrops?: number;
  stressRecordsPerSecond?: number;
  pendingIoPeak?: number;
  rssDriftPercent?: number;
  soakMinutes?: number;
}

export function evaluateTargets(input: TargetInputs): TargetResult[] {
  const results = [
    slowdownTarget('cpu', `CPU (sysbench) ≤ ${LIMITS.cpuSlowdownPercent} % slower`, input.cpu, LIMITS.cpuSlowdownPercent),
    slowdownTarget(
      'io',
      `direct sequential write (fio) ≤ ${LIMITS.ioSlowdownPercent} % slower`,
      input.io,
      LIMITS.ioSlowdownPercent,
    ),
    slowdownTarget(
      'net-watched',
      `loopback TCP (iperf3), watched child ≤ ${LIMITS.networkSlowdownPercent} % slower`,
      input.netWatched,
      LIMITS.networkSlowdownPercent,
    ),
    slowdownTarget(
      'net-unwatched',
      `loopback TCP (iperf3), unwatched user ≤ ${LIMITS.networkSlowdownPercent} % slower`,
      input.netUnwatched,
      LIMITS.networkSlowdownPercent,
    ),
  ];

  if (input.stressDrops === undefined) {
    results.push({ id: 'drops', description: 'zero ring-buffer drops at the stress-ng rate', measured: 'n/a', status: 'not measured' });
  } else {
    const rate = input.stressRecordsPerSecond;
    results.push({
      id: 'drops',
      description: 'zero ring-buffer drops at the stress-ng rate',
      measured: `${input.stressDrops} dropped` + (rate !== undefined ? ` at ${Math.round(rate)} records/s` : ''),
      status: input.stressDrops === 0 ? 'pass' : 'fail',
    });
  }

  results.push(
    input.pendingIoPeak === undefined
      ? { id: 'pending-io', description: 'PENDING_IO bounded', measured: 'n/a', status: 'not measured' }
      : {
          id: 'pending-io',
          description: `PENDING_IO bounded (peak ≤ ${LIMITS.pendingIoPeakEntries} entries)`,
          measured: `peak ${input.pendingIoPeak} entries`,
          status: input.pendingIoPeak <= LIMITS.pendingIoPeakEntries ? 'pass' : 'fail',
        },
  );

  const rssDescription = `helper RSS flat (±${LIMITS.rssDriftPercent} %) over a ${LIMITS.soakMinutesForRssTarget}-minute soak`;
  if (input.rssDriftPercent === undefined || !Number.isFinite(input.rssDriftPercent)) {
    results.push({
      id: 'rss-flat',
      description: rssDescription,
      measured: 'n/a',
      status: 'not measured',
      note: `run npm run bench -- --soak ${LIMITS.soakMinutesForRssTarget}`,
    });
  } else {
    const drift = input.rssDriftPercent;
    const short = (input.soakMinutes ?? 0) < LIMITS.soakMinutesForRssTarget;
    results.push({
      id: 'rss-flat',
      description: rssDescription,
      measured: `${drift >= 0 ? '+' : ''}${drift.toFixed(1)} % (first vs last window median)`,
      status: Math.abs(drift) <= LIMITS.rssDriftPercent ? 'pass' : 'fail',
      note: short ? `indicative only: a ${input.soakMinutes} min soak, the target needs ${LIMITS.soakMinutesForRssTarget}` : undefined,
    });
  }
  return results;
}
