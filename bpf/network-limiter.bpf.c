// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Per-child network bandwidth limits, enforced in the kernel: two cgroup_skb programs at the cgroup2 root see every
 * packet a local socket sends (egress) or receives (ingress), so the helper attaches them only while a child has a
 * network limit. The socket's owner (bpf_get_socket_uid) selects its limit in NET_LIMITS, and a token bucket per
 * profile and direction in NET_BUCKETS decides whether it passes; dropped, TCP backs off and converges on the rate.
 *
 * The structs here are this object's own (the monitors never see them); the helper's mirror is in
 * src/helper/policy/network-limiter-layouts.ts, checked against this object's BTF by the integration test.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define NSEC_PER_SEC 1000000000ull
/* Refill after a longer pause is capped: the bucket is full by then anyway, and elapsed * rate stays in 64 bits
 * for rates up to 9.2 GB/s (the helper refuses more). */
#define MAX_REFILL_NS (2 * NSEC_PER_SEC)
/* Packets this small (pure ACKs, SYN, FIN) are charged but never dropped: dropping the ACKs of a download
 * because the upload is saturated would stall both directions. */
#define CONTROL_PACKET_BYTES 128

/* cgroup_skb return codes. On egress, bit 1 asks TCP to cut its congestion window (tcp_enter_cwr) as for a local
 * queue drop, so the sender slows down at once instead of waiting to notice a loss. Ingress knows only 0 and 1. */
#define SKB_DROP 0
#define SKB_PASS 1
#define SKB_DROP_CN 2

enum net_direction {
	NET_UPLOAD = 0,   /* egress: what the child's sockets send */
	NET_DOWNLOAD = 1, /* ingress: what the child's sockets receive */
};

/* NET_LIMITS value, filled by the helper per child uid. A rate of 0 means that direction is not limited. */
struct net_limit {
	__u32 profile_id;
	__u32 _pad;
	__u64 upload_bytes_per_second;
	__u64 upload_burst_bytes; /* bucket capacity: what may pass at once after a pause */
	__u64 download_bytes_per_second;
	__u64 download_burst_bytes;
};

/* Every account of a profile shares the profile's bucket: the limit is the child's, not each login's. */
struct net_bucket_key {
	__u32 profile_id;
	__u32 direction; /* enum net_direction */
};

struct net_bucket {
	struct bpf_spin_lock lock;
	__u32 _pad;
	/* Bytes that may pass now. May go negative: a packet is let through whenever the bucket is not in debt, and
	 * its whole length is charged, so a 64 KiB loopback GSO packet passes even when the burst is smaller. */
	__s64 tokens;
	__u64 refilled_ns;
	__u64 passed_bytes;
	__u64 passed_packets;
	__u64 dropped_bytes; /* "throttled bytes": retransmissions of a dropped segment are counted again */
	__u64 dropped_packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* uid */
	__type(value, struct net_limit);
} NET_LIMITS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, struct net_bucket_key);
	__type(value, struct net_bucket);
} NET_BUCKETS SEC(".maps");

static __always_inline struct net_bucket *bucket_of(__u32 profile_id, __u32 direction, __u64 burst)
{
	struct net_bucket_key key = { .profile_id = profile_id, .direction = direction };
	struct net_bucket *bucket = bpf_map_lookup_elem(&NET_BUCKETS, &key);
	struct net_bucket fresh = {};

	if (bucket)
		return bucket;
	/* The helper creates buckets with the limit; this covers a bucket deleted under a live limit. */
	fresh.tokens = (__s64)burst;
	fresh.refilled_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&NET_BUCKETS, &key, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&NET_BUCKETS, &key);
}

/* true when the packet may pass. */
static __always_inline bool take_tokens(struct net_bucket *bucket, __u64 rate, __u64 burst, __u64 len)
{
	__u64 now = bpf_ktime_get_ns();
	bool pass;

	bpf_spin_lock(&bucket->lock);
	if (now > bucket->refilled_ns) {
		__u64 elapsed = now - bucket->refilled_ns;

		if (elapsed > MAX_REFILL_NS)
			elapsed = MAX_REFILL_NS;
		bucket->tokens += (__s64)(elapsed * rate / NSEC_PER_SEC);
		if (bucket->tokens > (__s64)burst)
			bucket->tokens = (__s64)burst;
		bucket->refilled_ns = now;
	}
	pass = bucket->tokens >= 0 || len <= CONTROL_PACKET_BYTES;
	if (pass) {
		bucket->tokens -= (__s64)len;
		bucket->passed_bytes += len;
		bucket->passed_packets++;
	} else {
		bucket->dropped_bytes += len;
		bucket->dropped_packets++;
	}
	bpf_spin_unlock(&bucket->lock);
	return pass;
}

static __always_inline bool within_limit(struct __sk_buff *skb, __u32 direction)
{
	__u32 uid = bpf_get_socket_uid(skb); /* overflowuid when there is no full socket: not limited */
	struct net_limit *limit = bpf_map_lookup_elem(&NET_LIMITS, &uid);
	struct net_bucket *bucket;
	__u64 rate, burst;

	if (!limit)
		return true;
	rate = direction == NET_UPLOAD ? limit->upload_bytes_per_second : limit->download_bytes_per_second;
	if (!rate)
		return true;
	burst = direction == NET_UPLOAD ? limit->upload_burst_bytes : limit->download_burst_bytes;
	bucket = bucket_of(limit->profile_id, direction, burst);
	if (!bucket)
		return true; /* NET_BUCKETS full: fail open rather than cut the child off */
	return take_tokens(bucket, rate, burst, skb->len);
}

SEC("cgroup_skb/egress")
int limit_upload(struct __sk_buff *skb)
{
	return within_limit(skb, NET_UPLOAD) ? SKB_PASS : SKB_DROP_CN;
}

SEC("cgroup_skb/ingress")
int limit_download(struct __sk_buff *skb)
{
	return within_limit(skb, NET_DOWNLOAD) ? SKB_PASS : SKB_DROP;
}
