// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Vigil's kernel sensor (ADR 0045): process and file/network events from tracepoints only, so that it loads where
// kprobes, fentry and BPF-LSM are refused. Each event is one record in a ring buffer, laid out as records.h says.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

// GPL-compatible, as the kernel requires for the helpers used here; BSD for everything else that links it
char LICENSE[] SEC("license") = "Dual BSD/GPL";

#include "records.h"

// The system calls user space asked for (1 at the call's number), from the event types its rules are about: a call
// no rule is about costs one array lookup and is not recorded (the in-kernel discarder by event type).
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SYSCALLS);
    __type(key, __u32);
    __type(value, __u8);
} wanted SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

// events dropped because the ring buffer was full, per kind
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, KINDS);
    __type(key, __u32);
    __type(value, __u64);
} lost SEC(".maps");

// Below this much unread data a record does not wake the reader, which reads at least every 100 ms anyway: under load
// one wake-up carries many records instead of one each
#define WAKEUP_BYTES (256 * 1024)

static __always_inline void submit(void *record) {
    __u64 unread = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    bpf_ringbuf_submit(record, unread >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

// In-kernel approvers for opens (ADR 0045): when every open rule is about paths, the literal starts of the paths they
// are about; an open whose path starts with none of them cannot match any rule and is not recorded. Set by the loader:
// filter_opens before load, the prefixes after.
#define PREFIX_MAX 128

struct path_key {
    __u32 prefixlen; // in bits, as the LPM trie counts
    char data[PREFIX_MAX];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 4096);
    __type(key, struct path_key);
    __type(value, __u8);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} open_prefixes SEC(".maps");

// a path read before a record is reserved, per CPU (too large for the BPF stack)
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct path_key);
} path_scratch SEC(".maps");


// opens dropped by the approvers, per CPU (not lost: no rule could match them)
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} approver_drops SEC(".maps");

// What the loader sets before load, in read-only data (one struct, so its layout is known to the loader: Sensor.java):
// the sensor's own process, whose events are not reported, and whether opens are filtered by open_prefixes.
struct settings {
    __u32 self_pid;
    __u32 filter_opens;
};
const volatile struct settings settings = {};

static __always_inline void count_lost(__u32 kind) {
    __u64 *n = bpf_map_lookup_elem(&lost, &kind);
    if (n) {
        *n += 1;
    }
}

static __always_inline void fill_header(struct header *h, __u32 kind, struct task_struct *task) {
    // Direct reads of the task's BTF-typed fields compile to plain loads with an exception entry (CO-RE relocated
    // all the same); BPF_CORE_READ calls a helper per field, and a helper call costs tens of nanoseconds where
    // every kernel return pays a speculation mitigation (ADR 0049)
    h->kind = kind;
    h->pid = task->tgid;
    h->tid = task->pid;
    h->ppid = task->real_parent->tgid;
    const struct cred *cred = task->cred;
    h->uid = cred->uid.val;
    h->gid = cred->gid.val;
    h->euid = cred->euid.val;
    h->egid = cred->egid.val;
    h->time_ns = bpf_ktime_get_ns();
    h->cgroup_id = bpf_get_current_cgroup_id();
    __builtin_memcpy(h->comm, task->comm, sizeof(h->comm));
    h->comm[sizeof(h->comm) - 1] = 0;
}

// kernfs_node's parent is __parent since Linux 6.15 and parent before: CO-RE picks the one this kernel has
struct kernfs_node___new {
    struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

struct kernfs_node___old {
    struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn) {
    if (bpf_core_field_exists(((struct kernfs_node___new *)0)->__parent)) {
        return ((struct kernfs_node___new *)kn)->__parent;
    }
    return ((struct kernfs_node___old *)kn)->parent;
}

static __always_inline void kn_names(struct kernfs_node *leaf, char names[2][CGROUP_NAME]) {
    names[0][0] = 0;
    names[1][0] = 0;
    if (!leaf) {
        return;
    }
    struct kernfs_node *parent = kn_parent(leaf);
    if (parent) {
        bpf_probe_read_kernel_str(names[0], CGROUP_NAME, parent->name);
    }
    bpf_probe_read_kernel_str(names[1], CGROUP_NAME, leaf->name);
}

static __always_inline void cgroup_names(struct task_struct *task, struct exec_record *r) {
    kn_names(task->cgroups->dfl_cgrp->kn, r->cgroup_v2);
    r->cgroup_v1[0][0] = 0;
    r->cgroup_v1[1][0] = 0;
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id)) {
        int id = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
        if (id >= 0 && id < 12) {
            struct cgroup_subsys_state *css = task->cgroups->subsys[id];
            if (css) {
                kn_names(css->cgroup->kn, r->cgroup_v1);
            }
        }
    }
}

// The walk from a file up to the task's root, one step a call of bpf_loop (a plain loop's states grew past the
// verifier's limit). Reads go through helpers: after a mount crossing the pointers come from struct mount, which
// direct loads cannot reach.
struct path_walk {
    struct dentry *dentry;
    struct vfsmount *vfsmnt;
    struct dentry *root_dentry;
    struct vfsmount *root_mnt;
    unsigned long mnt_offset;
    __u32 depth;
    __u32 complete;
    __u32 detached;
    __u32 pad;
    const unsigned char *names[PATH_DEPTH];
};

static long path_step(__u32 index, void *ctx) {
    struct path_walk *w = ctx;
    // locals, not w's fields, in BPF_CORE_READ: it would relocate the access to this program's own struct too
    struct dentry *dentry = w->dentry;
    struct vfsmount *vfsmnt = w->vfsmnt;
    if (dentry == w->root_dentry && vfsmnt == w->root_mnt) {
        w->complete = 1;
        return 1;
    }
    struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
    bool top = dentry == BPF_CORE_READ(vfsmnt, mnt_root);
    if (dentry == parent && !top) {
        // a dentry of no tree (a memfd's: the kernel makes it without a parent): its own name, nothing above it
        if (w->depth < PATH_DEPTH) {
            w->names[w->depth & (PATH_DEPTH - 1)] = BPF_CORE_READ(dentry, d_name.name);
            w->depth++;
        }
        w->complete = 1;
        w->detached = 1;
        return 1;
    }
    if (top || dentry == parent) {
        // the top of a mount: go on from where it is mounted in its parent mount
        struct mount *mnt = (struct mount *)((unsigned long)vfsmnt - w->mnt_offset);
        struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
        if (up == mnt || !up) {
            // the first mount of its tree, and the process's root was not met on the way: a file no path from that
            // root reaches (a memfd's, on the kernel's internal mount); named from its own mount's root
            w->complete = 1;
            w->detached = 1;
            return 1;
        }
        w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
        w->vfsmnt = (struct vfsmount *)((unsigned long)up + w->mnt_offset);
        return 0;
    }
    if (w->depth >= PATH_DEPTH) {
        return 1; // deeper than read here: incomplete
    }
    w->names[w->depth & (PATH_DEPTH - 1)] = BPF_CORE_READ(dentry, d_name.name);
    w->depth++;
    w->dentry = parent;
    return 0;
}

// A path from the task's root, its dentries' names crossing mounts at their mount points, into buf (FILE_PATH_BUF
// bytes); returns its length, 0 when it could not be read whole; *detached is 1 when no path from the task's root
// reaches the file (the path is then from the root of the file's own mount tree)
static __always_inline __u32 write_path(char *buf, struct dentry *dentry, struct vfsmount *vfsmnt,
                                        struct task_struct *task, __u32 *detached) {
    struct path_walk w = {};
    w.dentry = dentry;
    w.vfsmnt = vfsmnt;
    w.root_dentry = BPF_CORE_READ(task, fs, root.dentry);
    w.root_mnt = BPF_CORE_READ(task, fs, root.mnt);
    w.mnt_offset = bpf_core_field_offset(struct mount, mnt);
    bpf_loop(PATH_DEPTH + 8, path_step, &w, 0);
    __u32 depth = w.depth;
    bool complete = w.complete;
    *detached = w.detached;
    const unsigned char **names = w.names;
    __u32 off = 0;
    if (complete) {
        for (int j = 0; j < PATH_DEPTH; j++) {
            int i = depth - 1 - j;
            if (i < 0) {
                break;
            }
            if (off >= FILE_PATH_HALF - 1) {
                off = 0; // too long to read here: none rather than a cut path
                break;
            }
            __u64 at = off;
            // masked in the instructions themselves: clang drops a C mask it can prove redundant, and the verifier
            // then tracks the unmasked copy
            asm volatile("%[at] &= 0xff" : [at] "+r"(at));
            buf[at] = '/';
            long n = bpf_probe_read_kernel_str(&buf[at + 1], FILE_PATH_HALF, names[i & (PATH_DEPTH - 1)]);
            off++;
            if (n <= 1) {
                off = 0;
                break;
            }
            off += n - 1;
        }
        if (depth == 0) {
            buf[0] = '/'; // the root itself
            off = 1;
        }
    }
    __u64 end = off < FILE_PATH_HALF ? off : 0;
    asm volatile("%[end] &= 0xff" : [end] "+r"(end));
    buf[end] = 0;
    return (__u32)end;
}

// The executed file's path from the task's root; 1 when no path from there reaches it
static __always_inline __u32 file_path(struct exec_record *r, struct file *file, struct task_struct *task) {
    __u32 detached = 0;
    r->file_path_len = write_path(r->file_path, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt),
                                  task, &detached);
    r->pad = 0;
    return detached;
}

// inode times moved: i_mtime (timespec64) before Linux 6.6, __i_mtime in 6.6 to 6.10, i_mtime_sec/_nsec since 6.11
struct inode___ts {
    struct timespec64 i_mtime;
    struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

struct inode___ts66 {
    struct timespec64 __i_mtime;
    struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct inode___sec {
    time64_t i_mtime_sec;
    time64_t i_ctime_sec;
    u32 i_mtime_nsec;
    u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

static __always_inline void inode_times(struct inode *inode, struct exec_file *f) {
    if (bpf_core_field_exists(((struct inode___sec *)0)->i_mtime_sec)) {
        struct inode___sec *i = (struct inode___sec *)inode;
        f->mtime_ns = BPF_CORE_READ(i, i_mtime_sec) * 1000000000LL + BPF_CORE_READ(i, i_mtime_nsec);
        f->ctime_ns = BPF_CORE_READ(i, i_ctime_sec) * 1000000000LL + BPF_CORE_READ(i, i_ctime_nsec);
    } else if (bpf_core_field_exists(((struct inode___ts66 *)0)->__i_mtime)) {
        struct inode___ts66 *i = (struct inode___ts66 *)inode;
        f->mtime_ns = BPF_CORE_READ(i, __i_mtime.tv_sec) * 1000000000LL + BPF_CORE_READ(i, __i_mtime.tv_nsec);
        f->ctime_ns = BPF_CORE_READ(i, __i_ctime.tv_sec) * 1000000000LL + BPF_CORE_READ(i, __i_ctime.tv_nsec);
    } else {
        struct inode___ts *i = (struct inode___ts *)inode;
        f->mtime_ns = BPF_CORE_READ(i, i_mtime.tv_sec) * 1000000000LL + BPF_CORE_READ(i, i_mtime.tv_nsec);
        f->ctime_ns = BPF_CORE_READ(i, i_ctime.tv_sec) * 1000000000LL + BPF_CORE_READ(i, i_ctime.tv_nsec);
    }
}

// The executed file's inode: ids, mode, times, its mount and file system, and whether an overlay (a container's root)
// has it in its writable upper layer: a file written after the container started, not one of its image's
static __always_inline void file_stat(struct exec_file *f, struct file *file) {
    __builtin_memset(f, 0, sizeof(*f));
    struct inode *inode = BPF_CORE_READ(file, f_inode);
    if (!inode) {
        return;
    }
    f->inode = BPF_CORE_READ(inode, i_ino);
    f->mode = BPF_CORE_READ(inode, i_mode);
    f->uid = BPF_CORE_READ(inode, i_uid.val);
    f->gid = BPF_CORE_READ(inode, i_gid.val);
    inode_times(inode, f);
    struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
    struct mount *mnt = (struct mount *)((unsigned long)vfsmnt - bpf_core_field_offset(struct mount, mnt));
    f->mount_id = BPF_CORE_READ(mnt, mnt_id);
    struct super_block *sb = BPF_CORE_READ(inode, i_sb);
    bpf_probe_read_kernel_str(f->filesystem, sizeof(f->filesystem), BPF_CORE_READ(sb, s_type, name));
    f->flags = FILE_STATED;
    if (BPF_CORE_READ(sb, s_magic) == OVERLAYFS_SUPER_MAGIC &&
        bpf_core_field_exists(struct ovl_inode, __upperdentry)) {
        struct ovl_inode *oi =
            (struct ovl_inode *)((unsigned long)inode - bpf_core_field_offset(struct ovl_inode, vfs_inode));
        if (BPF_CORE_READ(oi, __upperdentry)) {
            f->flags |= FILE_UPPER_LAYER;
        }
    }
}

// The credentials beyond the header's, the audit login id and the controlling terminal
static __always_inline void exec_context(struct exec_record *r, struct task_struct *task) {
    const struct cred *cred = task->cred;
    r->cred.fsuid = cred->fsuid.val;
    r->cred.fsgid = cred->fsgid.val;
    // a u64 since Linux 6.3, two u32 (low word first) before: the same eight bytes either way
    r->cred.cap_effective = 0;
    r->cred.cap_permitted = 0;
    bpf_probe_read_kernel(&r->cred.cap_effective, 8, &cred->cap_effective);
    bpf_probe_read_kernel(&r->cred.cap_permitted, 8, &cred->cap_permitted);
    r->cred.auid = 4294967295U;
    if (bpf_core_field_exists(task->loginuid)) {
        r->cred.auid = BPF_CORE_READ(task, loginuid.val);
    }
    r->cred.pad = 0;
    r->tty[0] = 0;
    struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
    if (tty) {
        bpf_probe_read_kernel_str(r->tty, sizeof(r->tty), &tty->name);
    }
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm) {
    struct exec_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_lost(KIND_EXEC);
        return 0;
    }
    fill_header(&r->h, KIND_EXEC, task);
    long n = bpf_probe_read_kernel_str(r->filename, sizeof(r->filename), bprm->filename);
    r->filename_len = n > 0 ? n - 1 : 0;
    // the new image's arguments, from its memory (the exec has replaced the old one)
    struct mm_struct *mm = task->mm;
    unsigned long start = mm->arg_start;
    unsigned long end = mm->arg_end;
    unsigned long len = end > start ? end - start : 0;
    if (len > ARGS_MAX_READ - 1) {
        len = ARGS_MAX_READ - 1; // a longer command line is cut, as /proc/PID/cmdline's first page would be
    }
    len &= ARGS_MAX_READ - 1; // a bound the verifier can see
    r->args_len = 0;
    if (len > 0 && bpf_probe_read_user(r->args, len, (void *)start) == 0) {
        r->args_len = len;
    }
    // and its environment, which follows the arguments
    unsigned long env_start = mm->env_start;
    unsigned long env_end = mm->env_end;
    unsigned long env = env_end > env_start ? env_end - env_start : 0;
    r->env_total = env;
    if (env > ENV_MAX_READ - 1) {
        env = ENV_MAX_READ - 1; // environments_truncated
    }
    env &= ENV_MAX_READ - 1;
    r->env_len = 0;
    if (env > 0 && bpf_probe_read_user(r->env, env, (void *)env_start) == 0) {
        r->env_len = env;
    }
    cgroup_names(task, r);
    exec_context(r, task);
    // a script (or binfmt_misc): bprm->file is its interpreter by now, and the process is the script's, whose path
    // user space resolves from the name as given; the record then carries the interpreter's path and inode
    __u32 detached = file_path(r, bprm->file, task);
    file_stat(&r->file, bprm->file);
    if (bprm->interp != bprm->filename) {
        r->file.flags |= FILE_INTERPRETER;
    }
    if (detached) {
        r->file.flags |= FILE_DETACHED;
    }
    submit(r);
    return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
    __u32 child_tgid = child->tgid;
    __u32 child_tid = child->pid;
    if (child_tgid != child_tid) {
        return 0; // a new thread, not a new process
    }
    struct fork_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_lost(KIND_FORK);
        return 0;
    }
    fill_header(&r->h, KIND_FORK, parent);
    r->child_pid = child_tgid;
    r->pad = 0;
    submit(r);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task) {
    if (task->tgid != task->pid) {
        return 0; // a thread ends; the process goes on
    }
    struct exit_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_lost(KIND_EXIT);
        return 0;
    }
    fill_header(&r->h, KIND_EXIT, task);
    r->exit_code = task->exit_code >> 8;
    r->pad = 0;
    submit(r);
    return 0;
}

// Whether a path read into the scratch could name another file than its bytes say: "//", "/./", "/../", or a trailing
// "/." or "/..". Such a path is left to user space, which normalizes it: "/tmp/../etc/shadow" starts with no approved
// prefix but opens /etc/shadow. Symbolic links are the kernel's to follow and stay unseen here (docs/threats-coverage.md).
static __always_inline bool dotted(const char *data, long n) {
    for (int i = 0; i < PREFIX_MAX - 3; i++) {
        if (i >= n - 1) {
            return false;
        }
        if (data[i] != '/') {
            continue;
        }
        char c1 = data[i + 1];
        if (c1 == '/') {
            return true;
        }
        if (c1 == '.') {
            char c2 = data[i + 2];
            if (c2 == '/' || c2 == 0 || (c2 == '.' && (data[i + 3] == '/' || data[i + 3] == 0))) {
                return true;
            }
        }
    }
    return true; // not scanned to its end: as good as dotted
}

// Whether an absolute path starts with no approved prefix. Relative paths, paths that cannot be read here, paths
// longer than the prefix tree's keys (their end is not seen) and dotted paths are left to user space, which
// resolves and checks them.
static __always_inline bool unapproved(const char *path) {
    __u32 zero = 0;
    struct path_key *key = bpf_map_lookup_elem(&path_scratch, &zero);
    if (!key) {
        return false;
    }
    long n = bpf_probe_read_user_str(key->data, sizeof(key->data), path);
    if (n <= 1 || n >= PREFIX_MAX || key->data[0] != '/') {
        return false;
    }
    key->prefixlen = (__u32)(n - 1) * 8;
    if (bpf_map_lookup_elem(&open_prefixes, key)) {
        return false;
    }
    if (dotted(key->data, n)) {
        return false;
    }
    __u64 *dropped = bpf_map_lookup_elem(&approver_drops, &zero);
    if (dropped) {
        *dropped += 1;
    }
    return true;
}

// The approvers first: most opens end there, and the sensor's own opens are unapproved too
static __always_inline int on_open(int dfd, const char *path, __u32 flags, __u32 mode) {
    if (settings.filter_opens && unapproved(path)) {
        return 0;
    }
    if ((bpf_get_current_pid_tgid() >> 32) == settings.self_pid) {
        return 0;
    }
    struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
    struct open_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_lost(KIND_OPEN);
        return 0;
    }
    fill_header(&r->h, KIND_OPEN, task);
    r->dfd = dfd;
    r->flags = flags;
    r->mode = mode;
    r->dir_len = 0;
    r->dir[0] = 0;
    r->pad = 0;
    long n = bpf_probe_read_user_str(r->path, sizeof(r->path), path);
    r->path_len = n > 0 ? n - 1 : 0;
    if (n > 1 && r->path[0] != '/') {
        struct dentry *dentry = NULL;
        struct vfsmount *mnt = NULL;
        if (dfd == -100 /* AT_FDCWD */) {
            dentry = BPF_CORE_READ(task, fs, pwd.dentry);
            mnt = BPF_CORE_READ(task, fs, pwd.mnt);
        } else if (dfd >= 0) {
            struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
            if ((unsigned int)dfd < BPF_CORE_READ(fdt, max_fds)) {
                struct file **fds = BPF_CORE_READ(fdt, fd);
                struct file *file = NULL;
                bpf_probe_read_kernel(&file, sizeof(file), &fds[dfd]);
                if (file) {
                    dentry = BPF_CORE_READ(file, f_path.dentry);
                    mnt = BPF_CORE_READ(file, f_path.mnt);
                }
            }
        }
        if (dentry && mnt) {
            __u32 detached = 0;
            r->dir_len = write_path(r->dir, dentry, mnt, task, &detached);
        }
    }
    submit(r);
    return 0;
}

static __always_inline int on_connect(struct pt_regs *regs, __u32 kind) {
    struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
    const void *addr = (const void *)regs->si;
    __u32 addrlen = (__u32)regs->dx;
    __u16 family = 0;
    if (bpf_probe_read_user(&family, sizeof(family), addr) != 0) {
        return 0;
    }
    if (family != 2 /* AF_INET */ && family != 10 /* AF_INET6 */) {
        return 0;
    }
    struct connect_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_lost(kind);
        return 0;
    }
    fill_header(&r->h, kind, task);
    r->family = family;
    r->port = 0;
    r->addr_len = 0;
    __builtin_memset(r->addr, 0, sizeof(r->addr));
    if (family == 2 && addrlen >= 16) {
        struct sockaddr_in in = {};
        if (bpf_probe_read_user(&in, sizeof(in), addr) == 0) {
            r->port = in.sin_port;
            __builtin_memcpy(r->addr, &in.sin_addr.s_addr, 4);
            r->addr_len = 4;
        }
    } else if (family == 10 && addrlen >= 24) {
        struct sockaddr_in6 in6 = {};
        if (bpf_probe_read_user(&in6, sizeof(in6), addr) == 0) {
            r->port = in6.sin6_port;
            __builtin_memcpy(r->addr, &in6.sin6_addr, 16);
            r->addr_len = 16;
        }
    }
    if (r->addr_len == 0) {
        // an address too short for its family, or unreadable: the call fails in the kernel too; nothing to report
        bpf_ringbuf_discard(r, 0);
        return 0;
    }
    submit(r);
    return 0;
}

static __always_inline __u64 arg(struct pt_regs *regs, int i) {
    switch (i) {
    case 0: return regs->di;
    case 1: return regs->si;
    case 2: return regs->dx;
    case 3: return regs->r10;
    case 4: return regs->r8;
    case 5: return regs->r9;
    }
    return 0;
}

static __always_inline int on_syscall(struct pt_regs *regs, long nr) {
    struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
    struct syscall_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_lost(KIND_SYSCALL);
        return 0;
    }
    fill_header(&r->h, KIND_SYSCALL, task);
    r->nr = (__u32)nr;
    r->args[0] = regs->di;
    r->args[1] = regs->si;
    r->args[2] = regs->dx;
    r->args[3] = regs->r10;
    r->args[4] = regs->r8;
    r->args[5] = regs->r9;
    int p0, p1, name;
    string_args(nr, &p0, &p1, &name);
    r->path_len[0] = 0;
    r->path_len[1] = 0;
    r->name_len = 0;
    r->extra = 0;
    r->path[0][0] = 0;
    r->path[1][0] = 0;
    r->name[0] = 0;
    if (p0 >= 0 && p0 < 6) {
        long n = bpf_probe_read_user_str(r->path[0], PATH_MAX_READ, (const void *)arg(regs, p0));
        r->path_len[0] = n > 0 ? n - 1 : 0;
    }
    if (p1 >= 0 && p1 < 6) {
        long n = bpf_probe_read_user_str(r->path[1], PATH_MAX_READ, (const void *)arg(regs, p1));
        r->path_len[1] = n > 0 ? n - 1 : 0;
    }
    if (nr == NR_PRCTL && r->args[0] == PR_SET_NAME) {
        name = 1;
    }
    if (name >= 0 && name < 6) {
        long n = bpf_probe_read_user_str(r->name, NAME_MAX_READ, (const void *)arg(regs, name));
        r->name_len = n > 0 ? n - 1 : 0;
    }
    if (nr == NR_BPF) {
        __u32 first = 0;
        bpf_probe_read_user(&first, sizeof(first), (const void *)r->args[1]);
        r->extra = first;
    } else if (nr == NR_CAPSET) {
        __u32 data[2] = {};
        bpf_probe_read_user(&data, sizeof(data), (const void *)r->args[1]);
        r->extra = ((__u64)data[1] << 32) | data[0];
    }
    submit(r);
    return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id) {
    if (id != NR_OPENAT && id != NR_OPEN && id != NR_CREAT && id != NR_OPENAT2 && id != NR_CONNECT) {
        if (id < 0 || id >= SYSCALLS) {
            return 0;
        }
        __u32 key = (__u32)id;
        __u8 *want = bpf_map_lookup_elem(&wanted, &key);
        if (!want || !*want) {
            return 0;
        }
        if ((bpf_get_current_pid_tgid() >> 32) == settings.self_pid) {
            return 0;
        }
        if (id == NR_BIND) {
            return on_connect(regs, KIND_BIND);
        }
        return on_syscall(regs, id);
    }
    // the arguments straight from the BTF-typed registers (plain loads, no helper call: see fill_header)
    switch (id) {
    case NR_OPENAT:
        return on_open((int)regs->di, (const char *)regs->si, (__u32)regs->dx, (__u32)regs->r10);
    case NR_OPEN:
        return on_open(-100 /* AT_FDCWD */, (const char *)regs->di, (__u32)regs->si, (__u32)regs->dx);
    case NR_CREAT:
        return on_open(-100, (const char *)regs->di, 0x241 /* O_CREAT|O_WRONLY|O_TRUNC */, (__u32)regs->si);
    case NR_OPENAT2: {
        struct open_how how = {};
        bpf_probe_read_user(&how, sizeof(how), (const void *)regs->dx);
        return on_open((int)regs->di, (const char *)regs->si, (__u32)how.flags, (__u32)how.mode);
    }
    case NR_CONNECT:
        if ((bpf_get_current_pid_tgid() >> 32) == settings.self_pid) {
            return 0;
        }
        return on_connect(regs, KIND_CONNECT);
    }
    return 0;
}
