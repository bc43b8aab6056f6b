// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Memory use of watched processes: kmalloc/page counters, rss/vms gauges, and the per-process memory limit. */
#include "common.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Records built with reserve_record() appear in no declaration; these keep their types in the BTF that the
 * layout test checks the TypeScript decoders against. */
const struct mem_limit_record *unused_mem_limit_record __attribute__((unused));

/* BTF has no PAGE_SIZE and a __kconfig CONFIG_PAGE_SHIFT would make loading depend on /proc/config.gz;
 * every kernel this runs on (x86-64, default arm64) uses 4 KiB pages. */
#define PAGE_SHIFT 12

/* mm->rss_stat indexes: an anonymous enum in the kernel, so bpf_core_enum_value cannot name it. Stable since
 * 4.19 and spelled out in the rss_stat tracepoint's format. */
#define MM_FILEPAGES 0
#define MM_ANONPAGES 1
#define MM_SWAPENTS 2
#define MM_SHMEMPAGES 3

struct alloc_owner {
	__u32 pid;
	__u32 _pad;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 << 10);
} MEMORY_EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct mem_stats);
} MEM_STATS SEC(".maps");

/* kmalloc'd pointer -> who allocated it and how much; LRU because most frees happen outside the allocator's
 * context (RCU, softirq, other processes) and are never seen. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct alloc_owner);
} ALLOC_SIZES SEC(".maps");

/* pid -> when it was killed for exceeding its limit, so it is killed (and reported) once. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} KILLED_PIDS SEC(".maps");

static __always_inline struct mem_stats *current_stats(const struct watched_account *account)
{
	__u32 pid = current_pid();
	struct mem_stats *stats, init = {};

	stats = bpf_map_lookup_elem(&MEM_STATS, &pid);
	return stats ? stats : create_aggregate(&MEM_STATS, pid, &init, account);
}

/* These five fire for every process on the machine, at up to millions a second, and nearly all of them return at
 * the watched check. They are BTF tracepoints (tp_btf), called straight from the tracepoint with its raw arguments:
 * a classic tp/ program pays for the perf-trace record (for rss_stat, a locked sum over every CPU's counter) before
 * it even runs. The four allocation programs are attached only while some account has a kernel-allocation limit
 * (MonitorDefinition.onDemand): even returning at once, each run costs about 100 ns on a virtual machine, and a
 * download frees a buffer for every packet. */

/* The current account, when its allocations are counted. */
static __always_inline struct watched_account *counting_account(void)
{
	struct watched_account *account = watched_current();

	return account && (account->flags & ACCOUNT_COUNT_ALLOCATIONS) ? account : NULL;
}

SEC("tp_btf/kmalloc")
int BPF_PROG(handle_kmalloc, unsigned long call_site, const void *ptr, size_t bytes_req, size_t bytes_alloc)
{
	struct watched_account *account = counting_account();
	struct alloc_owner owner = {};
	struct mem_stats *stats;
	__u64 key = (__u64)ptr;

	if (!account || !key || !(stats = current_stats(account)))
		return 0;
	__sync_fetch_and_add(&stats->kmalloc_bytes, bytes_alloc);
	__sync_fetch_and_add(&stats->kmalloc_count, 1);
	owner.pid = current_pid();
	owner.bytes = bytes_alloc;
	bpf_map_update_elem(&ALLOC_SIZES, &key, &owner, BPF_ANY);
	return 0;
}

SEC("tp_btf/kfree")
int BPF_PROG(handle_kfree, unsigned long call_site, const void *ptr)
{
	__u64 key = (__u64)ptr;
	struct alloc_owner *owner;
	struct mem_stats *stats;

	if (!counting_account())
		return 0;
	owner = bpf_map_lookup_elem(&ALLOC_SIZES, &key);
	if (!owner)
		return 0;
	stats = bpf_map_lookup_elem(&MEM_STATS, &owner->pid);
	if (stats) {
		__sync_fetch_and_add(&stats->kfree_bytes, owner->bytes);
		__sync_fetch_and_add(&stats->kfree_count, 1);
	}
	bpf_map_delete_elem(&ALLOC_SIZES, &key);
	return 0;
}

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(handle_pg_alloc, struct page *page, unsigned int order)
{
	struct watched_account *account = counting_account();
	struct mem_stats *stats;

	/* page is NULL when the allocation failed. */
	if (!account || !page || !(stats = current_stats(account)))
		return 0;
	__sync_fetch_and_add(&stats->page_alloc_bytes, (__u64)1 << (PAGE_SHIFT + order));
	return 0;
}

SEC("tp_btf/mm_page_free")
int BPF_PROG(handle_pg_free, struct page *page, unsigned int order)
{
	struct watched_account *account = counting_account();
	struct mem_stats *stats;

	if (!account || !(stats = current_stats(account)))
		return 0;
	__sync_fetch_and_add(&stats->page_free_bytes, (__u64)1 << (PAGE_SHIFT + order));
	return 0;
}

/* Direct loads, not BPF_CORE_READ: mm is a BTF-typed tracepoint argument, so each read is one instruction instead
 * of a helper call (rss_stat fires on most page faults). */
static __always_inline __u64 counter_bytes(struct mm_struct *mm, int member)
{
	__s64 pages = mm->rss_stat[member].count;

	return pages > 0 ? (__u64)pages << PAGE_SHIFT : 0;
}

static __always_inline void kill_over_limit(struct mem_stats *stats, const struct watched_account *account)
{
	__u64 now = bpf_ktime_get_ns();
	struct mem_limit_record *rec;
	__u32 pid = current_pid();

	if (bpf_map_update_elem(&KILLED_PIDS, &pid, &now, BPF_NOEXIST))
		return;
	if (bpf_send_signal(SIGKILL)) {
		bpf_map_delete_elem(&KILLED_PIDS, &pid);
		return;
	}
	count_stat(STAT_ENFORCEMENT_KILLS);
	rec = reserve_record(&MEMORY_EVENTS, sizeof(*rec));
	if (!rec)
		return;
	fill_header(&rec->hdr, RECORD_MEM_LIMIT_KILL, account);
	rec->rss_bytes = stats->rss_bytes;
	rec->limit_bytes = account->max_process_memory_bytes;
	submit_record(rec);
}

/* rss_stat's raw arguments are (mm, member) since 6.2, (mm, member, count) before: only mm is used, and every
 * counter, the one that changed (member) included, is read from the mm. */
SEC("tp_btf/rss_stat")
int BPF_PROG(handle_rss_stat, struct mm_struct *mm)
{
	struct watched_account *account = watched_current();
	struct mem_stats *stats;
	__u64 file, anon, swap, shmem, rss;

	if (!account)
		return 0;
	/* Only the current process's own mm (not, say, one being reclaimed from). */
	if (mm != bpf_get_current_task_btf()->mm || !(stats = current_stats(account)))
		return 0;

	/* The percpu_counter's global count, which lags the exact sum by less than a batch per CPU (see DEPLOYMENT.md). */
	file = counter_bytes(mm, MM_FILEPAGES);
	anon = counter_bytes(mm, MM_ANONPAGES);
	swap = counter_bytes(mm, MM_SWAPENTS);
	shmem = counter_bytes(mm, MM_SHMEMPAGES);

	rss = file + anon + shmem;
	stats->rss_bytes = rss;
	stats->shared_bytes = file + shmem;
	stats->swap_bytes = swap;
	stats->vms_bytes = (__u64)mm->total_vm << PAGE_SHIFT;
	if (rss > stats->peak_rss_bytes)
		stats->peak_rss_bytes = rss;

	if (account->max_process_memory_bytes && rss > account->max_process_memory_bytes)
		kill_over_limit(stats, account);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int refresh_comm(void *ctx)
{
	refresh_aggregate_comm(&MEM_STATS);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int mark_exited(void *ctx)
{
	__u32 pid = exiting_leader();
	struct mem_stats *stats;

	/* No watched check: an entry exists only for a watched process, and must be marked even if the account
	 * stopped being watched since. */
	if (!pid)
		return 0;
	stats = bpf_map_lookup_elem(&MEM_STATS, &pid);
	if (stats)
		stats->exited_ns = bpf_ktime_get_ns();
	bpf_map_delete_elem(&KILLED_PIDS, &pid);
	return 0;
}
