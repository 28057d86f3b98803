// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// The hook probe (ADR 0050): one program per kind of BPF hook, each doing nothing, so that the agent can learn which
// kinds this kernel loads and attaches before it chooses the sensor's programs. vigil.threats.sensor.HookProbe loads
// them one at a time (the others' autoload off), attaches, detaches; the names here are the names it asks for.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// BTF-typed tracepoint: what the sensor's programs are
SEC("tp_btf/sys_enter")
int BPF_PROG(probe_tp_btf) { return 0; }

// raw tracepoint: the same hook without BTF-typed arguments (kernels 4.17 and later)
SEC("raw_tp/sys_enter")
int probe_raw_tp(void *ctx) { return 0; }

// classic tracepoint of one system call (through tracefs's event ids)
SEC("tracepoint/syscalls/sys_enter_openat")
int probe_tracepoint(void *ctx) { return 0; }

// kprobe on the kernel's open path (needs kprobe events: CONFIG_KPROBE_EVENTS)
SEC("kprobe/do_filp_open")
int probe_kprobe(void *ctx) { return 0; }

// BPF trampolines on the same function: the opened file, its path already in kernel memory
SEC("fentry/do_filp_open")
int BPF_PROG(probe_fentry) { return 0; }

SEC("fexit/do_filp_open")
int BPF_PROG(probe_fexit) { return 0; }

// BPF-LSM on the file_open hook (needs "bpf" in the kernel's lsm= list)
SEC("lsm/file_open")
int BPF_PROG(probe_lsm, struct file *file) { return 0; }
