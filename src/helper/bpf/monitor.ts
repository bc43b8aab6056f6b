// One monitor's life: open its BPF object, skip programs whose tracepoint this kernel lacks, share the helper's
// WATCHED_UIDS map, load, attach, read its ring buffer and aggregate map, report health, and detach. With a pin root,
// its maps and links are pinned so they outlive the helper, and a later helper of the same build adopts them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AggregateSample, KernelEvent, MonitorStatus } from '../../shared/events.js';
import type { Logger } from '../log.js';
import { BpfMap } from './bpf-map.js';
import { decodeRecord, type MonotonicToEpochMs } from './decoders.js';
import { MonitorStat } from './layouts.js';
import { LibbpfError, bpf, check, checkPointer } from './libbpf.js';
import type { MonitorDefinition } from './monitor-definitions.js';
import { ObjectPins } from './pinned-object.js';
import { RingBufferReader } from './ring-buffer.js';
import { readStruct } from './struct-layout.js';
import { describeAttachment, parseSection, unavailableReason } from './tracepoints.js';

export interface MonitorHooks {
  onEvent(event: KernelEvent): void;
  onSample(sample: AggregateSample): void;
  toEpochMs: MonotonicToEpochMs;
  log: Logger;
  /** bpffs directory to pin maps and links under; null: nothing pinned, everything detaches with the helper. */
  pinRoot?: string | null;
}

/** The map every object shares, created and pinned by the MonitorSet. */
const SHARED_MAPS = new Set(['WATCHED_UIDS']);

interface ProgramState {
  name: string;
  attachment: string;
  link: unknown;
  /** libbpf's program, once loaded; null when not loaded here (its tracepoint is missing, or its link adopted and it is not on demand). */
  prog: unknown;
  /** In the definition's onDemand list: attached only while wanted. */
  onDemand: boolean;
}

export class MonitorLoadError extends Error {
  override name = 'MonitorLoadError';
}

export class Monitor {
  private object: unknown = null;
  private programs: ProgramState[] = [];
  private reader: RingBufferReader | null = null;
  private stats: BpfMap | null = null;
  private aggregate: BpfMap | null = null;
  private previousCounters = new Map<number, Record<string, number | string>>();
  private reasons: string[] = [];
  private state: MonitorStatus['state'] = 'disabled';
  private pins: ObjectPins | null = null;
  /** Maps and links taken over from a previous helper at the last load (none when loaded fresh). */
  adopted = { maps: [] as string[], links: 0 };
  private lastRate = { timeMs: 0, records: 0, eventsPerSecond: 0 };
  /** Whether the definition's onDemand programs should be attached (MonitorSet keeps it current). */
  private onDemandWanted = false;

  constructor(
    readonly definition: MonitorDefinition,
    private readonly objectDir: string,
    private readonly hooks: MonitorHooks,
  ) {}

  get loaded(): boolean {
    return this.object !== null;
  }

  /** The entry under the pin root that holds this monitor's pins, while it is loaded with pinning. */
  get pinEntry(): string | null {
    return this.pins?.entry ?? null;
  }

  /**
   * Loads and attaches (reading the ring buffer at once unless `startReading` is false: see startReading). Never
   * throws for a kernel that lacks something: the status says what and why.
   */
  load(watchedUidsFd: number, startReading = true): MonitorStatus {
    if (this.loaded) return this.status();
    this.reasons = [];
    this.programs = [];
    this.adopted = { maps: [], links: 0 };
    try {
      this.openLoadAttach(watchedUidsFd);
      if (startReading) this.startReading();
    } catch (error) {
      this.unload();
      this.state = 'failed';
      this.reasons.push(error instanceof Error ? error.message : String(error));
      this.hooks.log.error(`${this.definition.name} failed: ${this.reasons.join('; ')}`);
      return this.status();
    }
    this.state = this.attachedState();
    const attached = this.programs.filter((p) => p.link).length;
    if (this.state === 'failed') this.unload();
    const adoption = this.adopted.maps.length
      ? ` (taken over from the previous helper: ${this.adopted.links} links, ${this.adopted.maps.length} maps)`
      : '';
    const idle = this.idlePrograms() ? ` (${this.idlePrograms()} idle)` : '';
    const summary = `${this.definition.name}: ${this.state}, ${attached}/${this.programs.length} probes${idle}${adoption}`;
    if (this.reasons.length) this.hooks.log.warn(`${summary} (${this.reasons.join('; ')})`);
    else this.hooks.log.info(summary);
    return this.status();
  }

  private openLoadAttach(watchedUidsFd: number): void {
    const file = path.join(this.objectDir, this.definition.objectFile);
    if (!existsSync(file)) {
      throw new MonitorLoadError(`BPF object ${file} not found; build it with "npm run build:bpf"`);
    }
    this.object = checkPointer(`open ${this.definition.objectFile}`, bpf.objectOpenFile(file, null));
    this.pins = this.hooks.pinRoot ? new ObjectPins(this.hooks.pinRoot, file, SHARED_MAPS) : null;

    // A program whose link a previous helper of this build left pinned is not loaded again: its link is adopted.
    // An on-demand one is loaded all the same, to attach it again after it was detached.
    const skipped = new Set<unknown>();
    for (let prog = bpf.objectNextProgram(this.object, null); prog; prog = bpf.objectNextProgram(this.object, prog)) {
      const name = bpf.programName(prog) as string;
      const attachment = parseSection(bpf.programSectionName(prog) as string);
      const onDemand = this.definition.onDemand?.programs.includes(name) ?? false;
      const link = this.pins?.openLink(name) ?? null;
      const missing = link ? null : unavailableReason(attachment);
      if (missing) this.reasons.push(`${missing}; ${name} disabled`);
      if (missing || (link && !onDemand)) {
        bpf.programSetAutoload(prog, false);
        skipped.add(prog);
      }
      if (link) this.adopted.links++;
      this.programs.push({ name, attachment: describeAttachment(attachment), link, prog: null, onDemand });
    }

    const watched = checkPointer('find WATCHED_UIDS', bpf.objectFindMapByName(this.object, 'WATCHED_UIDS'));
    check(`${this.definition.name}: share WATCHED_UIDS`, bpf.mapReuseFd(watched, watchedUidsFd) as number);
    this.adopted.maps = this.pins?.reuseMaps(this.object) ?? [];
    check(`load ${this.definition.objectFile}`, bpf.objectLoad(this.object) as number);
    this.pinMaps();

    let index = 0;
    for (let prog = bpf.objectNextProgram(this.object, null); prog; prog = bpf.objectNextProgram(this.object, prog)) {
      const state = this.programs[index++]!;
      if (skipped.has(prog)) continue;
      state.prog = prog;
      if (!state.link && (!state.onDemand || this.onDemandWanted)) this.attach(state);
    }
    // A previous helper's on-demand links that nobody needs any more.
    for (const state of this.programs) if (state.onDemand && !this.onDemandWanted && state.link) this.detach(state);

    this.stats = this.mapByName('MONITOR_STATS', true);
    if (this.definition.aggregate) this.aggregate = this.mapByName(this.definition.aggregate.mapName);
    const ring = this.mapByName(this.definition.ringBuffer);
    this.reader = new RingBufferReader(
      ring.name,
      ring.fd,
      (view) => this.hooks.onEvent(decodeRecord(view, this.hooks.toEpochMs)),
      (error) => this.hooks.log.warn(`${this.definition.name}: bad record: ${String(error)}`),
    );
    // Counters carried over were already reported by the previous helper: count from here, not from zero.
    if (this.adopted.maps.length) this.primeAggregates();
  }

  private attach(state: ProgramState): void {
    try {
      state.link = checkPointer(`attach ${state.name} to ${state.attachment}`, bpf.programAttach(state.prog));
      this.pinLink(state);
    } catch (error) {
      // An on-demand program may fail again at each limit change: say it once.
      const reason = error instanceof LibbpfError ? error.message : String(error);
      if (!this.reasons.includes(reason)) this.reasons.push(reason);
    }
  }

  private detach(state: ProgramState): void {
    this.pins?.unpinLink(state.name);
    ObjectPins.releaseLink(state.link, false);
    state.link = null;
  }

  /** ok when every program that should run does (idle on-demand ones need not), failed when none does. */
  private attachedState(): MonitorStatus['state'] {
    const attached = this.programs.filter((p) => p.link).length;
    const expected = this.programs.filter((p) => !p.onDemand || this.onDemandWanted).length;
    return attached === 0 ? 'failed' : attached < expected ? 'degraded' : 'ok';
  }

  /**
   * Attaches or detaches the definition's onDemand programs. A program that could not be loaded here (its
   * tracepoint is missing) stays off; its reason is already in the status.
   */
  setOnDemandWanted(wanted: boolean): void {
    if (wanted === this.onDemandWanted) return;
    this.onDemandWanted = wanted;
    const programs = this.programs.filter((p) => p.onDemand);
    if (!this.loaded || !programs.length) return;
    for (const state of programs) {
      if (wanted && !state.link && state.prog) this.attach(state);
      else if (!wanted && state.link) this.detach(state);
    }
    if (this.state === 'ok' || this.state === 'degraded') this.state = this.attachedState();
    this.hooks.log.info(`${this.definition.name}: ${wanted ? 'attached' : 'detached'} ${programs.map((p) => p.name).join(', ')}`);
  }

  private pinMaps(): void {
    if (!this.pins) return;
    try {
      this.pins.pinMaps(this.object);
    } catch (error) {
      this.hooks.log.warn(`${this.definition.name}: ${String(error)}; it will not survive a helper restart`);
      this.pins.remove();
      this.pins = null;
    }
  }

  private pinLink(state: ProgramState): void {
    if (!this.pins) return;
    try {
      this.pins.pinLink(state.link, state.name);
    } catch (error) {
      // Said once per monitor: every tracepoint link fails alike on a kernel older than 5.15.
      this.hooks.log.warn(`${this.definition.name}: ${String(error)}; its probes stop while the helper restarts`);
      this.pins.remove();
      this.pins = null;
    }
  }

  /**
   * Starts handing ring-buffer records to onEvent. Deferred by the daemon until its policy is loaded, so records a
   * previous helper's programs wrote while no helper ran (an exec held for a blocked-app check) meet the rules.
   */
  startReading(): void {
    this.reader?.start();
  }

  /** A map of this monitor's object, by its name in the .bpf.c. */
  mapByName(name: string, perCpu = false): BpfMap {
    if (!this.object) throw new MonitorLoadError(`${this.definition.name} is not loaded`);
    const map = checkPointer(`find map ${name}`, bpf.objectFindMapByName(this.object, name));
    return new BpfMap(
      name,
      check(`fd of ${name}`, bpf.mapFd(map) as number),
      bpf.mapKeySize(map) as number,
      bpf.mapValueSize(map) as number,
      perCpu,
    );
  }

  /** Takes the aggregate map's current counters as the baseline of the next sample, without reporting them. */
  private primeAggregates(): void {
    const kind = this.definition.aggregate;
    if (!kind || !this.aggregate) return;
    for (const key of this.aggregate.keys()) {
      const value = this.aggregate.lookup(key);
      if (!value) continue;
      const counters = readStruct(new DataView(value.buffer, value.byteOffset, value.length), kind.layout);
      this.previousCounters.set(key.readUInt32LE(0), counters as Record<string, number | string>);
    }
  }

  /** Reads the aggregate map: one sample per process that changed; exited processes are read once more and removed. */
  sampleAggregates(nowMs: number): number {
    const kind = this.definition.aggregate;
    if (!kind || !this.aggregate) return 0;
    let emitted = 0;
    const seen = new Set<number>();
    for (const key of this.aggregate.keys()) {
      const value = this.aggregate.lookup(key);
      if (!value) continue;
      const pid = key.readUInt32LE(0);
      const current = readStruct(new DataView(value.buffer, value.byteOffset, value.length), kind.layout) as Record<
        string,
        number | string
      >;
      const final = (current.exited_ns as number) !== 0;
      const sample = kind.toSample(
        {
          timeMs: nowMs,
          pid,
          uid: current.uid as number,
          profileId: current.profile_id as number,
          comm: current.comm as string,
          final,
        },
        current,
        this.previousCounters.get(pid),
      );
      if (final) {
        this.aggregate.delete(key);
        this.previousCounters.delete(pid);
      } else {
        seen.add(pid);
        this.previousCounters.set(pid, current);
      }
      if (sample) {
        emitted++;
        this.hooks.onSample(sample);
      }
    }
    for (const pid of this.previousCounters.keys()) if (!seen.has(pid)) this.previousCounters.delete(pid);
    return emitted;
  }

  /** Consumes whatever the ring buffer holds now (tests and shutdown; normally the poller does this). */
  drain(): number {
    return this.reader?.consume() ?? 0;
  }

  status(nowMs = Date.now()): MonitorStatus {
    const submitted = this.stats?.sumPerCpuU64(MonitorStat.RECORDS_SUBMITTED) ?? 0;
    const elapsed = nowMs - this.lastRate.timeMs;
    if (elapsed >= 1000) {
      const rate = this.lastRate.timeMs ? ((submitted - this.lastRate.records) * 1000) / elapsed : 0;
      this.lastRate = { timeMs: nowMs, records: submitted, eventsPerSecond: Math.max(0, rate) };
    }
    return {
      name: this.definition.name,
      state: this.state,
      reasons: [...this.reasons],
      probesAttached: this.programs.filter((p) => p.link).length,
      probesTotal: this.programs.length,
      probesIdle: this.idlePrograms(),
      idleNote: this.idlePrograms() ? (this.definition.onDemand?.idleNote ?? null) : null,
      recordsSubmitted: submitted,
      recordsDropped: this.stats?.sumPerCpuU64(MonitorStat.RECORDS_DROPPED) ?? 0,
      aggregateMapFull: this.stats?.sumPerCpuU64(MonitorStat.AGGREGATE_FULL) ?? 0,
      eventsPerSecond: Math.round(this.lastRate.eventsPerSecond * 10) / 10,
    };
  }

  /** On-demand programs left detached because nothing needs them (not a fault). */
  private idlePrograms(): number {
    return this.loaded && !this.onDemandWanted ? this.programs.filter((p) => p.onDemand && !p.link).length : 0;
  }

  /** Reads one MONITOR_STATS slot, summed over CPUs. */
  counter(slot: number): number {
    return this.stats?.sumPerCpuU64(slot) ?? 0;
  }

  /**
   * Detaches every program and frees the object. keepPinned: the programs stay attached through their pins (for the
   * next helper) and only this process lets go. Safe to call twice.
   */
  unload(reason?: string, { keepPinned = false } = {}): void {
    this.reader?.close();
    this.reader = null;
    if (!keepPinned) this.pins?.remove();
    for (const program of this.programs) {
      if (program.link) ObjectPins.releaseLink(program.link, keepPinned && this.pins !== null);
      program.link = null;
    }
    if (this.object) bpf.objectClose(this.object);
    this.object = null;
    this.pins = null;
    this.stats = null;
    this.aggregate = null;
    this.previousCounters.clear();
    if (reason !== undefined) {
      this.state = 'disabled';
      this.reasons = reason ? [reason] : [];
    }
  }
}
