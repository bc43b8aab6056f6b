// The pins of one BPF object build, so its programs keep running while no helper does:
//   <pin root>/<object stem>@<first 16 hex of the .bpf.o's sha256>/map_<MAP>   every map (state carried over)
//                                                                /link_<PROG>  every attached program
// The directory name is the compatibility check: a helper whose object has the same hash reuses the maps
// (bpf_map__reuse_fd before load) and adopts the links (bpf_link__open) — same code, same maps, so no gap and no
// double counting. A different build finds no directory of its hash: it loads fresh, and the old build's directory
// is removed (detaching it) only once the new one is attached and filled (removeStalePins, daemon.ts).
// bpffs refuses names with a '.', hence map_/link_ prefixes rather than suffixes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { bpf, check, checkPointer, closeFd, koffi } from './libbpf.js';
import { removePins } from '../system/bpffs.js';

// Not in ./libbpf.ts because only pinning needs them.
const libbpf = koffi.load('libbpf.so.1');
const linkDisconnect = libbpf.func('void bpf_link__disconnect(void *link)');
const linkFd = libbpf.func('int bpf_link__fd(void *link)');

const EEXIST = 17;

/** Maps libbpf makes for global variables (.bss, .data, .rodata): our programs keep no state there. */
const isInternalMap = (name: string) => name.includes('.');

export function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export class ObjectPins {
  /** The directory's name under the pin root. */
  readonly entry: string;
  readonly dir: string;

  /** `skipMaps`: maps shared by several objects, pinned once by their owner (WATCHED_UIDS). */
  constructor(
    readonly root: string,
    objectPath: string,
    private readonly skipMaps: ReadonlySet<string> = new Set(),
  ) {
    const stem = path.basename(objectPath).replace(/\.bpf\.o$/, '');
    this.entry = `${stem}@${fileSha256(objectPath).slice(0, 16)}`;
    this.dir = path.join(root, this.entry);
  }

  private mapsOf(object: unknown): Array<{ map: unknown; name: string }> {
    const out = [];
    for (let map = bpf.objectNextMap(object, null); map; map = bpf.objectNextMap(object, map)) {
      const name = bpf.mapName(map) as string;
      if (!isInternalMap(name) && !this.skipMaps.has(name)) out.push({ map, name });
    }
    return out;
  }

  /** Before load: every map a previous run of this build pinned is reused. Returns the names reused. */
  reuseMaps(object: unknown): string[] {
    const reused: string[] = [];
    for (const { map, name } of this.mapsOf(object)) {
      const pin = path.join(this.dir, `map_${name}`);
      if (!existsSync(pin)) continue;
      const fd = check(`open pinned map ${pin}`, bpf.objGet(pin) as number);
      try {
        check(`reuse pinned map ${name}`, bpf.mapReuseFd(map, fd) as number); // libbpf keeps its own dup
      } finally {
        closeFd(fd);
      }
      reused.push(name);
    }
    return reused;
  }

  /** After load: pins every map not pinned yet. Maps are pinned before any link, so a link pin implies its maps. */
  pinMaps(object: unknown): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const { map, name } of this.mapsOf(object)) {
      const result = bpf.objPin(check(`fd of ${name}`, bpf.mapFd(map) as number), path.join(this.dir, `map_${name}`));
      if (result !== -EEXIST) check(`pin map ${name} in ${this.dir}`, result as number);
    }
  }

  /** The link a previous run of this build left attached for `program`, or null. */
  openLink(program: string): unknown {
    const pin = path.join(this.dir, `link_${program}`);
    if (!existsSync(pin)) return null;
    return checkPointer(`open pinned link ${pin}`, bpf.linkOpen(pin));
  }

  /** Pins a new link (needs kernel ≥ 5.15 for tracepoint links: older ones attach through a plain perf event). */
  pinLink(link: unknown, program: string): void {
    check(`pin link of ${program}`, bpf.linkPin(link, path.join(this.dir, `link_${program}`)) as number);
  }

  /** Removes a link's pin, so destroying the link detaches its program. */
  unpinLink(program: string): void {
    unpin(path.join(this.dir, `link_${program}`));
  }

  /**
   * Lets go of a link. keepPinned: the program stays attached through its pin. bpf_link__destroy would stop a
   * tracepoint's perf event (PERF_EVENT_IOC_DISABLE) even though the link lives on, so the link is disconnected
   * from libbpf first and only its fd closed (a perf event fd stays open until the process exits).
   */
  static releaseLink(link: unknown, keepPinned: boolean): void {
    if (!keepPinned) {
      bpf.linkDestroy(link);
      return;
    }
    const fd = linkFd(link) as number;
    linkDisconnect(link);
    bpf.linkDestroy(link);
    if (fd >= 0) closeFd(fd);
  }

  /** Unpins this build's maps and links: what no process holds any more is detached and freed. */
  remove(): void {
    removePins(this.dir);
  }
}

/** Unpins one pinned object (the shared WATCHED_UIDS map); a pin already gone is fine. */
export function unpin(pin: string): void {
  try {
    unlinkSync(pin);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
