/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The single definition of every record the DOTS Family monitors share with userspace: ring-buffer records,
 * aggregate-map values and the maps the helper fills. The TypeScript decoders (src/helper/bpf/layouts.ts) are
 * checked against the BTF of the compiled objects by test/integration/bpf-layout.test.ts, so a change here that
 * is not mirrored there fails the tests.
 *
 * Every struct is laid out with explicit padding so both sides agree without compiler-specific packing.
 */
#ifndef DOTS_EVENTS_H
#define DOTS_EVENTS_H

#define DOTS_COMM_LEN 16
#define DOTS_PATH_LEN 256
#define DOTS_ARGS_LEN 512
/* WATCHED_UIDS is an array indexed by uid, so lookups are inlined by the verifier (cheap on every hot path). */
#define DOTS_MAX_UID 65536

enum dots_record_kind {
	RECORD_PROCESS_EXEC = 1,
	RECORD_PROCESS_EXIT = 2,
	RECORD_FS_OPEN = 10,
	RECORD_FS_CLOSE = 11,
	RECORD_FS_UNLINK = 12,
	RECORD_NET_CONNECT = 20,
	RECORD_MEM_LIMIT_KILL = 30,
	RECORD_DISK_IO = 40,
};

/* Slots of each object's MONITOR_STATS per-CPU array; userspace sums the CPUs. */
enum dots_monitor_stat {
	STAT_RECORDS_SUBMITTED = 0, /* records written to this monitor's ring buffer */
	STAT_RECORDS_DROPPED = 1,   /* ring buffer full: record lost */
	STAT_AGGREGATE_FULL = 2,    /* per-process aggregate map full: activity not counted */
	STAT_PENDING_FULL = 3,      /* PENDING_IO full: request not tracked */
	STAT_ENFORCEMENT_KILLS = 4, /* processes killed in the kernel (limits, blocked apps, hours) */
	STAT_EXEC_HELD = 5,         /* execs stopped for a userspace identity check */
	DOTS_MONITOR_STAT_SLOTS = 8,
};

/* watched_account.flags */
#define ACCOUNT_WATCHED (1u << 0)
#define ACCOUNT_EXEC_DENIED (1u << 1) /* outside allowed hours: every new program is killed at exec */
#define ACCOUNT_COUNT_ALLOCATIONS (1u << 2) /* has a kernel-allocation limit: kmalloc and page counters kept */

/* Value of WATCHED_UIDS[uid]; all-zero means "not watched". Filled by the helper, shared by all monitors. */
struct watched_account {
	__u32 profile_id;
	__u32 flags;
	__u64 max_process_memory_bytes; /* rss (anon + file + shmem) above this kills the process; 0 = no limit */
};

/* Common head of every ring-buffer record. */
struct record_header {
	__u64 timestamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 kind;         /* enum dots_record_kind */
	__u32 pid;          /* thread-group id, what userspace calls the pid */
	__u32 tid;
	__u32 uid;
	__u32 gid;
	__u32 profile_id; /* from WATCHED_UIDS, so userspace needs no lookup */
	char comm[DOTS_COMM_LEN];
};

/* process_exec_record.flags */
#define EXEC_ARGS_TRUNCATED (1u << 0)
#define EXEC_KILLED_BLOCKED (1u << 1) /* executable's inode is in BLOCKED_EXES for this profile */
#define EXEC_KILLED_DENIED (1u << 2)  /* account has ACCOUNT_EXEC_DENIED */
#define EXEC_HELD (1u << 3)           /* size matches a blocked program: SIGSTOPped until the helper decides */

struct process_exec_record {
	struct record_header hdr;
	__u32 ppid;
	__u32 flags;
	__u64 exe_ino;
	__u64 exe_size;
	__u32 exe_dev;   /* kernel dev_t: major << 20 | minor */
	__u32 args_size; /* bytes used in args: NUL-separated argv */
	char filename[DOTS_PATH_LEN];
	char args[DOTS_ARGS_LEN];
};

struct process_exit_record {
	struct record_header hdr;
	__u32 ppid;
	__s32 exit_code;   /* (task->exit_code >> 8) & 0xff */
	__u32 exit_signal; /* task->exit_code & 0x7f, 0 when the process exited normally */
	__u32 _pad;
	__u64 lifetime_ns;
};

struct fs_open_record {
	struct record_header hdr;
	__s32 result; /* fd, or -errno */
	__u32 flags;  /* open(2) flags */
	char filename[DOTS_PATH_LEN];
};

struct fs_close_record {
	struct record_header hdr;
	__s32 fd;
	__u32 _pad;
	__u64 ino;
};

struct fs_unlink_record {
	struct record_header hdr;
	__s32 dirfd;
	__u32 flags;
	char filename[DOTS_PATH_LEN];
};

struct net_connect_record {
	struct record_header hdr;
	__u16 family; /* AF_INET 2, AF_INET6 10 */
	__u16 sport;  /* host byte order */
	__u16 dport;  /* host byte order */
	__u16 protocol;
	__s32 result; /* 0 established, -1 failed before established */
	__u32 _pad;
	__u8 saddr[16]; /* IPv4 uses the first 4 bytes */
	__u8 daddr[16];
	__u64 connect_latency_ns; /* SYN_SENT to ESTABLISHED or close */
};

struct mem_limit_record {
	struct record_header hdr;
	__u64 rss_bytes;
	__u64 limit_bytes;
};

/* disk_io_record.op */
enum dots_disk_op {
	DISK_OP_READ = 0,
	DISK_OP_WRITE = 1,
	DISK_OP_FLUSH = 2,
	DISK_OP_DISCARD = 3,
	DISK_OP_OTHER = 4,
};

struct disk_io_record {
	struct record_header hdr; /* the process that queued the I/O, not the worker that issued it */
	__u32 dev_major;
	__u32 dev_minor;
	__u64 sector;
	__u32 sectors;
	__u32 op; /* enum dots_disk_op */
	__u64 bytes;
	__u64 latency_ns;       /* issue to completion: the device's time */
	__u64 queue_latency_ns; /* queued to issue: time spent waiting in the block layer */
	__s32 error;
	__u32 _pad;
	char rwbs[8];
};

/* PENDING_IO: requests between queue and completion. Bounded by max_entries; the helper evicts stale entries. */
struct pending_io_key {
	__u32 dev;
	__u32 _pad;
	__u64 sector;
};

struct pending_io {
	__u64 queue_ns;
	__u64 issue_ns; /* 0 until issued */
	__u64 bytes;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	__u32 profile_id;
	__u32 _pad;
	char comm[DOTS_COMM_LEN];
};

/* Aggregate-map values, keyed by pid (u32). Cumulative; the helper samples them and computes deltas. A process's
 * sched_process_exit sets exited_ns; the helper reads the entry one last time and deletes it. */
struct fs_io_stats {
	__u32 uid;
	__u32 profile_id;
	char comm[DOTS_COMM_LEN];
	__u64 read_bytes;
	__u64 write_bytes;
	__u64 reads;
	__u64 writes;
	__u64 opens;
	__u64 exited_ns;
};

struct net_io_stats {
	__u32 uid;
	__u32 profile_id;
	char comm[DOTS_COMM_LEN];
	__u64 tx_bytes;
	__u64 rx_bytes;
	__u64 tx_calls;
	__u64 rx_calls;
	__u64 exited_ns;
};

struct mem_stats {
	__u32 uid;
	__u32 profile_id;
	char comm[DOTS_COMM_LEN];
	__u64 kmalloc_bytes;
	__u64 kmalloc_count;
	__u64 kfree_bytes; /* frees of allocations this process made, sizes from ALLOC_SIZES */
	__u64 kfree_count;
	__u64 page_alloc_bytes; /* PAGE_SIZE << order */
	__u64 page_free_bytes;
	__u64 rss_bytes; /* anon + file + shmem, latest */
	__u64 vms_bytes; /* mm->total_vm pages, latest */
	__u64 shared_bytes; /* file + shmem, latest */
	__u64 swap_bytes;
	__u64 peak_rss_bytes;
	__u64 exited_ns;
};

/* Blocked programs are per child profile, so both BLOCKED_* keys carry the profile that blocks the program: an exec
 * is looked up with its own account's profile_id and another profile's block never touches it. */

/* BLOCKED_EXES key: the identity of a blocked program's file (copies get their own entry once identified). */
struct exe_identity {
	__u32 dev;
	__u32 profile_id;
	__u64 ino;
};

/* BLOCKED_SIZES key: the size of a blocked program; an exec of a file this size is held for a hash check. */
struct blocked_size_key {
	__u64 size;
	__u32 profile_id;
	__u32 _pad;
};

#endif /* DOTS_EVENTS_H */
