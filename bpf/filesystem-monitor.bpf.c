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

static __always_inline struct fs_io_stats *current_stats(const struct watched_account *account)
{
	__u32 pid = current_pid();
	struct fs_io_stats *stats, init = {};

	stats = bpf_map_lookup_elem(&FS_IO_STATS, &pid);
	return stats ? stats : create_aggregate(&FS_IO_STATS, pid, &init, account);
}

/* The current process's open file at fd, or NULL. Direct loads through the BTF-typed task (one instruction each)
 * and one helper call for the array slot, whose index the verifier cannot bound. */
static __always_inline struct file *fd_file(__u64 fd)
{
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file *file = NULL;

	if (fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

static __always_inline bool is_regular(struct file *file)
{
	return file && (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) == S_IFREG;
}

/* Everything is done at sys_exit, one program run per call: the name's pages are faulted in, the result is known,
 * and the arguments are still in the caller's saved registers (the classic tracepoint's record has only the
 * result). */
static __always_inline struct pt_regs *syscall_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

static __always_inline int count_open(const char *filename, __u32 flags, long ret,
				      const struct watched_account *account)
{
	struct fs_open_record *rec;
	struct fs_io_stats *stats;
	__u32 zero = 0;

	rec = bpf_map_lookup_elem(&FILENAME_BUF, &zero);
	if (rec) {
		struct recent_key key = { .pid = current_pid(), .kind = RECORD_FS_OPEN, .flags = flags };

		rec->filename[0] = 0;
		bpf_probe_read_user_str(rec->filename, sizeof(rec->filename), filename);
		key.subject = name_hash(rec->filename);
		key.outcome = ret < 0 ? ret : 0;
		if (!repeated(&key)) {
			fill_header(&rec->hdr, RECORD_FS_OPEN, account);
			rec->result = ret;
			rec->flags = flags;
			output_record(&FS_EVENTS, rec, sizeof(*rec));
		}
	}
	if (ret >= 0 && (stats = current_stats(account)))
		__sync_fetch_and_add(&stats->opens, 1);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	struct watched_account *account = watched_current();
	struct pt_regs *regs;

	if (!account)
		return 0;
	regs = syscall_regs();
	return count_open((const char *)PT_REGS_PARM2_SYSCALL(regs), PT_REGS_PARM3_SYSCALL(regs), ctx->ret, account);
}

SEC("tp/syscalls/sys_exit_openat2")
int exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	struct watched_account *account = watched_current();
	struct pt_regs *regs;
	__u64 flags = 0;

	if (!account)
		return 0;
	regs = syscall_regs();
	/* struct open_how starts with the flags */
	bpf_probe_read_user(&flags, sizeof(flags), (void *)PT_REGS_PARM3_SYSCALL(regs));
	return count_open((const char *)PT_REGS_PARM2_SYSCALL(regs), flags, ctx->ret, account);
}

SEC("tp/syscalls/sys_exit_open")
int exit_open(struct trace_event_raw_sys_exit *ctx)
{
	struct watched_account *account = watched_current();
	struct pt_regs *regs;

	if (!account)
		return 0;
	regs = syscall_regs();
	return count_open((const char *)PT_REGS_PARM1_SYSCALL(regs), PT_REGS_PARM2_SYSCALL(regs), ctx->ret, account);
}

SEC("tp/syscalls/sys_exit_creat")
int exit_creat(struct trace_event_raw_sys_exit *ctx)
{
	struct watched_account *account = watched_current();

	if (!account)
		return 0;
	return count_open((const char *)PT_REGS_PARM1_SYSCALL(syscall_regs()), O_CREAT | O_WRONLY | O_TRUNC, ctx->ret,
			  account);
}

/* Read/write family calls on regular files; sockets, pipes and terminals return once the file's mode is read. The
 * fd is looked up at exit: a call's own fd stays open for its duration unless another thread closes it meanwhile. */
static __always_inline int count_io(long ret, __u32 direction)
{
	struct watched_account *account = watched_current();
	struct fs_io_stats *stats;

	if (!account || ret < 0 || !is_regular(fd_file(PT_REGS_PARM1_SYSCALL(syscall_regs()))))
		return 0;
	if (!(stats = current_stats(account)))
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

SEC("tp/syscalls/sys_exit_read")
int exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return count_io(ctx->ret, IO_READ);
}

SEC("tp/syscalls/sys_exit_pread64")
int exit_pread64(struct trace_event_raw_sys_exit *ctx)
{
	return count_io(ctx->ret, IO_READ);
}

SEC("tp/syscalls/sys_exit_readv")
int exit_readv(struct trace_event_raw_sys_exit *ctx)
{
	return count_io(ctx->ret, IO_READ);
}

SEC("tp/syscalls/sys_exit_write")
int exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return count_io(ctx->ret, IO_WRITE);
}

SEC("tp/syscalls/sys_exit_pwrite64")
int exit_pwrite64(struct trace_event_raw_sys_exit *ctx)
{
	return count_io(ctx->ret, IO_WRITE);
}

SEC("tp/syscalls/sys_exit_writev")
int exit_writev(struct trace_event_raw_sys_exit *ctx)
{
	return count_io(ctx->ret, IO_WRITE);
}

/* close and unlink are seen at entry: the fd and the name are gone at exit. */
/* close and unlink stay on their own tracepoints: the fd and the name are gone at exit, and these are rare
 * enough that the kernel's per-syscall filter is cheaper than running a program at every syscall's entry. */
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
