// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* File activity of watched accounts: open/close/unlink records and per-process regular-file I/O counters. */
#include "common.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Records built with reserve_record() appear in no declaration; these keep their types in the BTF that the
 * layout test checks the TypeScript decoders against. */
const struct fs_close_record *unused_fs_close_record __attribute__((unused));
const struct fs_unlink_record *unused_fs_unlink_record __attribute__((unused));

#define S_IFMT 00170000
#define S_IFREG 0100000
#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000
#define AT_FDCWD -100

enum io_direction {
	IO_READ = 1,
	IO_WRITE = 2,
};

/* What sys_enter_open* saw, for sys_exit_open* (which only has the result). */
struct open_args {
	__u64 filename; /* user pointer */
	__u32 flags;
	__u32 _pad;
};

/* 4 MiB: opens and closes are the busiest records (stress-ng's open stressor filled 1 MiB while the helper waited
 * for a CPU); the helper drains it in batches. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} FS_EVENTS SEC(".maps");

/* Scratch for the open record, too large for the stack beside the rest. Its filename is read at exit, once the
 * kernel has faulted the user string in. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fs_open_record);
} FILENAME_BUF SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct fs_io_stats);
} FS_IO_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32); /* tid */
	__type(value, struct open_args);
} OPEN_ARGS SEC(".maps");

/* A process that opens (or closes) the same file over and over, as build tools and stress tests do, gets one record
 * per file per REPEAT_NS instead of one per call; every open is still counted in FS_IO_STATS.opens. This keeps a
 * loop from flooding the ring buffer and the database with identical rows. */
#define REPEAT_NS 1000000000ull

struct recent_key {
	__u32 pid;
	__u32 kind;    /* RECORD_FS_OPEN or RECORD_FS_CLOSE */
	__u64 subject; /* hash of the file name (open) or the inode (close) */
	__u32 flags;   /* open flags */
	__s32 outcome; /* 0 for success, -errno for a failed open */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct recent_key);
	__type(value, __u64); /* when the last record for this key was written */
} RECENT_FILE_RECORDS SEC(".maps");

/* true when the same record was written less than REPEAT_NS ago; otherwise remembers now and returns false. */
static __always_inline bool repeated(struct recent_key *key)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 *last = bpf_map_lookup_elem(&RECENT_FILE_RECORDS, key);

	if (last && now - *last < REPEAT_NS)
		return true;
	bpf_map_update_elem(&RECENT_FILE_RECORDS, key, &now, BPF_ANY);
	return false;
}

/* FNV-1a over the NUL-terminated name. */
static __always_inline __u64 name_hash(const char *name)
{
	__u64 hash = 14695981039346656037ull;

	for (int i = 0; i < DOTS_PATH_LEN; i++) {
		if (!name[i])
			break;
		hash = (hash ^ (__u8)name[i]) * 1099511628211ull;
	}
	return hash;
}

/* tid -> enum io_direction, for a read/write family call on a regular file, between enter and exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} IO_ARGS SEC(".maps");

static __always_inline struct fs_io_stats *current_stats(const struct watched_account *account)
{
	__u32 pid = current_pid();
	struct fs_io_stats *stats, init = {};

	stats = bpf_map_lookup_elem(&FS_IO_STATS, &pid);
	return stats ? stats : create_aggregate(&FS_IO_STATS, pid, &init, account);
}

/* The current process's open file at fd, or NULL. */
static __always_inline struct file *fd_file(__u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;

	if (fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	return file;
}

static __always_inline bool is_regular(struct file *file)
{
	return file && (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) == S_IFREG;
}

static __always_inline int open_enter(const char *filename, __u32 flags)
{
	struct open_args args = { .filename = (__u64)filename, .flags = flags };
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!watched_current())
		return 0;
	bpf_map_update_elem(&OPEN_ARGS, &tid, &args, BPF_ANY);
	return 0;
}

static __always_inline int open_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct watched_account *account = watched_current();
	struct fs_open_record *rec;
	struct open_args *args;
	struct fs_io_stats *stats;
	__u32 zero = 0;

	if (!account)
		return 0;
	args = bpf_map_lookup_elem(&OPEN_ARGS, &tid);
	if (!args)
		return 0;
	rec = bpf_map_lookup_elem(&FILENAME_BUF, &zero);
	if (rec) {
		struct recent_key key = { .pid = current_pid(), .kind = RECORD_FS_OPEN, .flags = args->flags };

		rec->filename[0] = 0;
		bpf_probe_read_user_str(rec->filename, sizeof(rec->filename), (void *)args->filename);
		key.subject = name_hash(rec->filename);
		key.outcome = ret < 0 ? ret : 0;
		if (!repeated(&key)) {
			fill_header(&rec->hdr, RECORD_FS_OPEN, account);
			rec->result = ret;
			rec->flags = args->flags;
			output_record(&FS_EVENTS, rec, sizeof(*rec));
		}
	}
	bpf_map_delete_elem(&OPEN_ARGS, &tid);

	if (ret >= 0 && (stats = current_stats(account)))
		__sync_fetch_and_add(&stats->opens, 1);
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[1], ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]); /* struct open_how starts with flags */
	return open_enter((const char *)ctx->args[1], flags);
}

SEC("tp/syscalls/sys_enter_open")
int enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[0], ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_creat")
int enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC);
}

SEC("tp/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_openat2")
int exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_open")
int exit_open(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_creat")
int exit_creat(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

/* The fd is only known at enter, so enter remembers "this call is on a regular file" and exit counts it. */
static __always_inline int io_enter(__u64 fd, __u32 direction)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!watched_current())
		return 0;
	if (is_regular(fd_file(fd)))
		bpf_map_update_elem(&IO_ARGS, &tid, &direction, BPF_ANY);
	return 0;
}

static __always_inline int io_exit(long ret, __u32 direction)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct watched_account *account = watched_current();
	struct fs_io_stats *stats;
	__u32 *saved;
	bool matches;

	if (!account)
		return 0;
	saved = bpf_map_lookup_elem(&IO_ARGS, &tid);
	if (!saved)
		return 0;
	matches = *saved == direction;
	bpf_map_delete_elem(&IO_ARGS, &tid);
	if (!matches || ret < 0 || !(stats = current_stats(account)))
		return 0;

	if (direction == IO_READ) {
		__sync_fetch_and_add(&stats->read_bytes, ret);
		__sync_fetch_and_add(&stats->reads, 1);
	} else {
		__sync_fetch_and_add(&stats->write_bytes, ret);
		__sync_fetch_and_add(&stats->writes, 1);
	}
	return 0;
}

SEC("tp/syscalls/sys_enter_read")
int enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return io_enter(ctx->args[0], IO_READ);
}

SEC("tp/syscalls/sys_enter_pread64")
int enter_pread64(struct trace_event_raw_sys_enter *ctx)
{
	return io_enter(ctx->args[0], IO_READ);
}

SEC("tp/syscalls/sys_enter_readv")
int enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	return io_enter(ctx->args[0], IO_READ);
}

SEC("tp/syscalls/sys_enter_write")
int enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return io_enter(ctx->args[0], IO_WRITE);
}

SEC("tp/syscalls/sys_enter_pwrite64")
int enter_pwrite64(struct trace_event_raw_sys_enter *ctx)
{
	return io_enter(ctx->args[0], IO_WRITE);
}

SEC("tp/syscalls/sys_enter_writev")
int enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	return io_enter(ctx->args[0], IO_WRITE);
}

SEC("tp/syscalls/sys_exit_read")
int exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return io_exit(ctx->ret, IO_READ);
}

SEC("tp/syscalls/sys_exit_pread64")
int exit_pread64(struct trace_event_raw_sys_exit *ctx)
{
	return io_exit(ctx->ret, IO_READ);
}

SEC("tp/syscalls/sys_exit_readv")
int exit_readv(struct trace_event_raw_sys_exit *ctx)
{
	return io_exit(ctx->ret, IO_READ);
}

SEC("tp/syscalls/sys_exit_write")
int exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return io_exit(ctx->ret, IO_WRITE);
}

SEC("tp/syscalls/sys_exit_pwrite64")
int exit_pwrite64(struct trace_event_raw_sys_exit *ctx)
{
	return io_exit(ctx->ret, IO_WRITE);
}

SEC("tp/syscalls/sys_exit_writev")
int exit_writev(struct trace_event_raw_sys_exit *ctx)
{
	return io_exit(ctx->ret, IO_WRITE);
}

SEC("tp/syscalls/sys_enter_close")
int enter_close(struct trace_event_raw_sys_enter *ctx)
{
	struct watched_account *account = watched_current();
	struct recent_key key = { .kind = RECORD_FS_CLOSE };
	struct fs_close_record *rec;
	struct file *file;

	if (!account)
		return 0;
	file = fd_file(ctx->args[0]);
	if (!is_regular(file))
		return 0;
	key.pid = current_pid();
	key.subject = BPF_CORE_READ(file, f_inode, i_ino);
	if (repeated(&key))
		return 0;
	rec = reserve_record(&FS_EVENTS, sizeof(*rec));
	if (!rec)
		return 0;
	fill_header(&rec->hdr, RECORD_FS_CLOSE, account);
	rec->fd = ctx->args[0];
	rec->_pad = 0;
	rec->ino = key.subject;
	submit_record(rec);
	return 0;
}

static __always_inline int unlink_enter(int dirfd, const char *pathname, __u32 flags)
{
	struct watched_account *account = watched_current();
	struct fs_unlink_record *rec;

	if (!account)
		return 0;
	rec = reserve_record(&FS_EVENTS, sizeof(*rec));
	if (!rec)
		return 0;
	fill_header(&rec->hdr, RECORD_FS_UNLINK, account);
	rec->dirfd = dirfd;
	rec->flags = flags;
	bpf_probe_read_user_str(rec->filename, sizeof(rec->filename), pathname);
	submit_record(rec);
	return 0;
}

SEC("tp/syscalls/sys_enter_unlinkat")
int enter_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return unlink_enter(ctx->args[0], (const char *)ctx->args[1], ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_unlink")
int enter_unlink(struct trace_event_raw_sys_enter *ctx)
{
	return unlink_enter(AT_FDCWD, (const char *)ctx->args[0], 0);
}

SEC("tp/sched/sched_process_exec")
int refresh_comm(void *ctx)
{
	refresh_aggregate_comm(&FS_IO_STATS);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int mark_exited(void *ctx)
{
	__u32 pid = exiting_leader();
	struct fs_io_stats *stats;

	/* No watched check: an entry exists only for a watched process, and must be marked even if the account
	 * stopped being watched since. */
	if (!pid)
		return 0;
	stats = bpf_map_lookup_elem(&FS_IO_STATS, &pid);
	if (stats)
		stats->exited_ns = bpf_ktime_get_ns();
	return 0;
}
