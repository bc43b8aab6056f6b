// koffi bindings to the system libbpf (libbpf.so.1). Only what the monitors need; every failing call becomes a
// LibbpfError carrying libbpf's own message, so a sysadmin sees "Operation not permitted" rather than "-1".
import koffi from 'koffi';

export type Pointer = bigint | object;

export class LibbpfError extends Error {
  constructor(
    readonly operation: string,
    readonly errno: number,
    detail?: string,
  ) {
    super(`${operation}: ${detail ?? describeErrno(errno)}`);
    this.name = 'LibbpfError';
  }
}

const libc = koffi.load('libc.so.6');
const libbpf = koffi.load('libbpf.so.1');

const strerror = libc.func('const char *strerror(int errnum)');
const vsnprintf = libc.func('int vsnprintf(_Out_ uint8_t *buf, size_t size, const char *fmt, void *args)');
export const closeFd = libc.func('int close(int fd)');

export function describeErrno(errno: number): string {
  const e = Math.abs(errno);
  return `${strerror(e) as string} (errno ${e})`;
}

// Callback types must exist before the prototypes below name them.
const PrintFn = koffi.proto('int dots_libbpf_print_fn(int level, const char *fmt, void *args)');
export const RingBufferSampleFn = koffi.proto('int dots_ring_buffer_sample_fn(void *ctx, void *data, size_t size)');

export const bpf = {
  setPrint: libbpf.func('void *libbpf_set_print(dots_libbpf_print_fn *fn)'),

  objectOpenFile: libbpf.func('void *bpf_object__open_file(const char *path, void *opts)'),
  objectLoad: libbpf.func('int bpf_object__load(void *obj)'),
  objectClose: libbpf.func('void bpf_object__close(void *obj)'),
  objectNextProgram: libbpf.func('void *bpf_object__next_program(void *obj, void *prev)'),
  objectNextMap: libbpf.func('void *bpf_object__next_map(void *obj, void *prev)'),
  objectFindMapByName: libbpf.func('void *bpf_object__find_map_by_name(void *obj, const char *name)'),

  programName: libbpf.func('const char *bpf_program__name(void *prog)'),
  programSectionName: libbpf.func('const char *bpf_program__section_name(void *prog)'),
  programSetAutoload: libbpf.func('int bpf_program__set_autoload(void *prog, bool autoload)'),
  programAutoload: libbpf.func('bool bpf_program__autoload(void *prog)'),
  programAttach: libbpf.func('void *bpf_program__attach(void *prog)'),
  programFd: libbpf.func('int bpf_program__fd(void *prog)'),
  linkDestroy: libbpf.func('int bpf_link__destroy(void *link)'),
  linkPin: libbpf.func('int bpf_link__pin(void *link, const char *path)'),
  linkOpen: libbpf.func('void *bpf_link__open(const char *path)'),

  mapName: libbpf.func('const char *bpf_map__name(void *map)'),
  mapFd: libbpf.func('int bpf_map__fd(void *map)'),
  mapReuseFd: libbpf.func('int bpf_map__reuse_fd(void *map, int fd)'),
  mapSetMaxEntries: libbpf.func('int bpf_map__set_max_entries(void *map, uint32_t max_entries)'),
  mapMaxEntries: libbpf.func('uint32_t bpf_map__max_entries(void *map)'),
  mapKeySize: libbpf.func('uint32_t bpf_map__key_size(void *map)'),
  mapValueSize: libbpf.func('uint32_t bpf_map__value_size(void *map)'),
  mapType: libbpf.func('int bpf_map__type(void *map)'),

  mapCreate: libbpf.func(
    'int bpf_map_create(int map_type, const char *name, uint32_t key_size, uint32_t value_size, uint32_t max_entries, void *opts)',
  ),
  mapUpdate: libbpf.func('int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)'),
  mapLookup: libbpf.func('int bpf_map_lookup_elem(int fd, const void *key, _Out_ void *value)'),
  mapDelete: libbpf.func('int bpf_map_delete_elem(int fd, const void *key)'),
  mapNextKey: libbpf.func('int bpf_map_get_next_key(int fd, const void *key, _Out_ void *next_key)'),
  objPin: libbpf.func('int bpf_obj_pin(int fd, const char *path)'),
  objGet: libbpf.func('int bpf_obj_get(const char *path)'),

  ringBufferNew: libbpf.func('void *ring_buffer__new(int map_fd, dots_ring_buffer_sample_fn *cb, void *ctx, void *opts)'),
  ringBufferAdd: libbpf.func('int ring_buffer__add(void *rb, int map_fd, dots_ring_buffer_sample_fn *cb, void *ctx)'),
  ringBufferConsume: libbpf.func('int ring_buffer__consume(void *rb)'),
  ringBufferEpollFd: libbpf.func('int ring_buffer__epoll_fd(void *rb)'),
  ringBufferFree: libbpf.func('void ring_buffer__free(void *rb)'),

  btfLoadVmlinux: libbpf.func('void *btf__load_vmlinux_btf()'),
  btfFindByNameKind: libbpf.func('int btf__find_by_name_kind(void *btf, const char *name, uint32_t kind)'),
  btfFree: libbpf.func('void btf__free(void *btf)'),
  probeMapType: libbpf.func('int libbpf_probe_bpf_map_type(int map_type, const void *opts)'),
};

export const BPF_MAP_TYPE = { HASH: 1, ARRAY: 2, PERCPU_ARRAY: 6, LRU_HASH: 9, RINGBUF: 27 } as const;
export const BPF_ANY = 0;
export const BTF_KIND_TYPEDEF = 8;

/** Throws a LibbpfError when a libbpf int return is negative (libbpf 1.x returns -errno). */
export function check(operation: string, result: number): number {
  if (result < 0) throw new LibbpfError(operation, -result, lastLibbpfMessage() ?? undefined);
  return result;
}

/** Throws when a pointer-returning libbpf call gave NULL (libbpf 1.x sets errno). */
export function checkPointer<T>(operation: string, pointer: T | null): T {
  if (pointer === null || pointer === 0n) {
    throw new LibbpfError(operation, koffi.errno(), lastLibbpfMessage() ?? undefined);
  }
  return pointer;
}

// libbpf reports verifier logs and attach failures through its print callback. Keep the recent warnings so the
// error a user sees carries libbpf's explanation, and forward them to the helper's log.
const recentMessages: string[] = [];
let printSink: (level: 'warn' | 'info' | 'debug', message: string) => void = () => {};
let printCallback: unknown = null;

function lastLibbpfMessage(): string | null {
  const last = recentMessages.at(-1);
  recentMessages.length = 0;
  return last ?? null;
}

/** Routes libbpf's messages to `sink` (the helper's logger). Debug messages are dropped unless asked for. */
export function setLibbpfLogger(
  sink: (level: 'warn' | 'info' | 'debug', message: string) => void,
  { debug = false } = {},
): void {
  printSink = sink;
  if (printCallback) return;
  const buffer = Buffer.alloc(4096);
  printCallback = koffi.register((level: number, fmt: string, args: Pointer) => {
    // libbpf levels: 0 warn, 1 info, 2 debug
    if (level === 2 && !debug) return 0;
    const length = vsnprintf(buffer, buffer.length, fmt, args) as number;
    const message = buffer.toString('utf8', 0, Math.max(0, Math.min(length, buffer.length - 1))).trimEnd();
    const name = level === 0 ? 'warn' : level === 1 ? 'info' : 'debug';
    if (level === 0) {
      recentMessages.push(message.replace(/^libbpf: /, ''));
      if (recentMessages.length > 8) recentMessages.shift();
    }
    printSink(name, message);
    return 0;
  }, koffi.pointer(PrintFn));
  bpf.setPrint(printCallback);
}

export { koffi };
