/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The test guest as a xenstore client (mode=xenstore, mode=xenstore-hostile; run by
 * tests/suites/xenstore.sh in tests/system/xenstore/xenstore.bh): the store page and port from
 * HVM_PARAM_STORE_PFN and STORE_EVTCHN, the page mapped at 1 GiB + 2 MiB of its address space
 * (pd1), requests through the ring with an EVTCHNOP_send after each, replies awaited on the
 * ring and then on the port's pending bit in shared_info (the server's signal, relayed by the
 * VMM). Results are lines on the UART ("xenstore: ..."), which the suite checks.
 *   xenstore          read its name and domid, write, read back, mkdir, directory, a watch
 *                     (its first event and the one a write fires), other domains' names
 *                     refused; then a read every heartbeat, for ever ("xenstore alive N")
 *   xenstore-hostile  one good read, then a header announcing 5,000 bytes: the server closes
 *                     its connection (the page's error field says why) and answers nothing
 *                     more, whatever it writes; then it shuts down
 */
#include <stdbool.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/xs_wire.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include "guest.h"

#define STORE_VA (0x40000000ull + 0x200000ull)    /* pd1[1]: the 2 MiB page holding the store */
#define WAIT_TSC (4000ull * 1000 * 1000)          /* ~2 s at the nominal 2 GHz: a lost reply */

static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));
static volatile struct xenstore_domain_interface *xs;
static uint32_t port;
static uint32_t req_id = 1;
static uint32_t raised; /* replies whose port was raised */

static void say(const char *a, const char *b)
{
    uart_puts("xenstore: ");
    uart_puts(a);
    uart_puts(b);
    uart_puts("\n");
}

static void say_num(const char *a, uint64_t v)
{
    char d[24];
    int k = 0;
    char out[24];
    for (; v || k == 0; v /= 10) d[k++] = (char)('0' + v % 10);
    int n = 0;
    while (k) out[n++] = d[--k];
    out[n] = 0;
    say(a, out);
}

static uint64_t param(uint32_t index)
{
    struct xen_hvm_param p = {DOMID_SELF, 0, index, 0};
    return hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)&p, 0) == 0 ? p.value : 0;
}

static void notify(void)
{
    struct evtchn_send p = {port};
    hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)(uintptr_t)&p, 0);
}

static void put(const void *buf, uint32_t len)
{
    const uint8_t *b = buf;
    for (uint32_t i = 0; i < len;) {
        uint32_t prod = xs->req_prod;
        if (prod - xs->req_cons >= XENSTORE_RING_SIZE) {
            notify();
            __asm__ volatile("pause");
            continue;
        }
        xs->req[MASK_XENSTORE_IDX(prod)] = (char)b[i++];
        __atomic_thread_fence(__ATOMIC_RELEASE);
        xs->req_prod = prod + 1;
    }
    notify();
}

static bool pending(void)
{
    volatile struct shared_info *si = (volatile struct shared_info *)shared_info_page;
    return (si->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void clear_pending(void)
{
    volatile struct shared_info *si = (volatile struct shared_info *)shared_info_page;
    __atomic_fetch_and(&si->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

/* len bytes of the reply ring; false when they do not come. */
static bool get(void *buf, uint32_t len)
{
    uint8_t *b = buf;
    uint64_t until = rdtsc() + WAIT_TSC;
    for (uint32_t i = 0; i < len;) {
        uint32_t cons = xs->rsp_cons;
        if (xs->rsp_prod == cons) {
            if (rdtsc() > until) return false;
            __asm__ volatile("pause");
            continue;
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        b[i++] = (uint8_t)xs->rsp[MASK_XENSTORE_IDX(cons)];
        xs->rsp_cons = cons + 1;
    }
    return true;
}

struct reply {
    struct xsd_sockmsg h;
    char data[XENSTORE_PAYLOAD_MAX + 1];
};

/* One message in (type, payload a then b), the next message out (a reply or a watch event). */
static bool request(uint32_t type, const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    struct xsd_sockmsg h = {type, req_id++, 0, alen + blen};
    put(&h, sizeof h);
    put(a, alen);
    put(b, blen);
    return true;
}

static bool next(struct reply *r)
{
    if (!get(&r->h, sizeof r->h) || r->h.len > XENSTORE_PAYLOAD_MAX || !get(r->data, r->h.len)) return false;
    r->data[r->h.len] = 0;
    uint64_t until = rdtsc() + WAIT_TSC;     /* the server's signal, relayed as the port */
    while (!pending() && rdtsc() < until) __asm__ volatile("pause");
    if (pending()) raised++;
    clear_pending();
    return true;
}

static bool streq(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strlen(a) == n && memcmp(a, b, n) == 0;
}

/* A request with one string argument (path\0), its reply in r. */
static bool one(uint32_t type, const char *path, struct reply *r)
{
    return request(type, path, (uint32_t)strlen(path) + 1, "", 0) && next(r);
}

static bool connect(void)
{
    uint64_t pfn = param(HVM_PARAM_STORE_PFN), evtchn = param(HVM_PARAM_STORE_EVTCHN);
    check(0x5000, pfn == 0xfeffc, pfn);
    check(0x5001, evtchn != 0, evtchn);
    if (pfn == 0 || evtchn == 0) {
        say("no store: ", "HVM_PARAM_STORE_PFN or STORE_EVTCHN is 0");
        return false;
    }
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                   (uint64_t)(uintptr_t)shared_info_page >> 12};
    hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x, 0);
    pd1[1] = (pfn << 12 & ~0x1fffffull) | 0x83;    /* the 2 MiB page around it, write-back */
    xs = (volatile struct xenstore_domain_interface *)(uintptr_t)(STORE_VA + (pfn << 12 & 0x1fffffull));
    port = (uint32_t)evtchn;
    say_num("store page at pfn 0xfeffc, port ", port);
    return true;
}

static void test_client(void)
{
    static struct reply r;
    char mine[16];
    if (!connect()) return;
    if (one(XS_READ, "name", &r)) say("read name = ", r.data);
    else say("read name: ", "no reply");
    if (one(XS_READ, "domid", &r)) say("read domid = ", r.data);
    memcpy(mine, r.data, sizeof mine - 1);
    mine[sizeof mine - 1] = 0;
    bool ok = request(XS_WRITE, "data/greeting", 14, "hello", 5) && next(&r) && streq(r.data, "OK") &&
              one(XS_READ, "data/greeting", &r) && streq(r.data, "hello");
    say("write data/greeting and read it back: ", ok ? "ok" : "FAILED");
    ok = one(XS_MKDIR, "data/dir", &r) && streq(r.data, "OK") && request(XS_WRITE, "data/dir/a", 11, "1", 1) &&
         next(&r) && request(XS_WRITE, "data/dir/b", 11, "2", 1) && next(&r) && one(XS_DIRECTORY, "data/dir", &r) &&
         r.h.len == 4 && memcmp(r.data, "a\0b\0", 4) == 0;
    say("mkdir data/dir, directory = a b: ", ok ? "ok" : "FAILED");
    /* a watch: OK, its first event, then the event a write fires */
    ok = request(XS_WATCH, "data/watched\0tok", 17, "", 0) && next(&r) && r.h.type == XS_WATCH && next(&r) &&
         r.h.type == XS_WATCH_EVENT && streq(r.data, "data/watched") && streq(r.data + 13, "tok");
    ok = ok && request(XS_WRITE, "data/watched", 13, "x", 1) && next(&r);
    struct reply *first = &r;
    static struct reply second;
    ok = ok && next(&second);
    /* the reply and the event, in either order */
    struct reply *ev = first->h.type == XS_WATCH_EVENT ? first : &second;
    ok = ok && ev->h.type == XS_WATCH_EVENT && streq(ev->data, "data/watched");
    say("watch data/watched: first event and the write's event: ", ok ? "ok" : "FAILED");
    /* no other domain's name is readable (EACCES: the toolstack's directory of each) */
    unsigned refused = 0;
    for (char d = '0'; d <= '4'; d++) {
        char path[] = "/local/domain/0/name";
        path[14] = d;
        if (d == mine[0] && mine[1] == 0) continue;
        if (one(XS_READ, path, &r) && r.h.type == XS_ERROR && streq(r.data, "EACCES")) refused++;
    }
    say_num("other domains' names refused (EACCES): ", refused);
    say_num("replies whose port was raised: ", raised);
    for (uint32_t n = 1;; n++) {
        uint64_t until = rdtsc() + VT_HEARTBEAT_TSC;
        while (rdtsc() < until) __asm__ volatile("pause");
        if (one(XS_READ, "data/greeting", &r) && streq(r.data, "hello")) say_num("alive ", n);
        else say_num("no answer at ", n);
    }
}

static void test_store_hostile(void)
{
    static struct reply r;
    if (!connect()) return;
    if (one(XS_READ, "name", &r)) say("hostile: read name = ", r.data);
    struct xsd_sockmsg h = {XS_WRITE, req_id++, 0, 5000};   /* over XENSTORE_PAYLOAD_MAX */
    put(&h, sizeof h);
    put("data/x", 7);
    uint64_t until = rdtsc() + WAIT_TSC;
    while (xs->error == 0 && rdtsc() < until) __asm__ volatile("pause");
    say_num("hostile: connection closed, page error ", xs->error);
    bool answered = one(XS_READ, "name", &r);
    say("hostile: after the close: ", answered ? "ANSWERED" : "no answer");
    xs->req_prod += 12345;                                    /* scribbles: nobody reads them */
    xs->rsp_cons = 7;
    notify();
    struct sched_shutdown s = {SHUTDOWN_poweroff};
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&s, 0);
}

void test_xenstore(bool hostile)
{
    if (hostile) test_store_hostile();
    else test_client();
}
