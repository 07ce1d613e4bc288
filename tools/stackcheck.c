/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * stackcheck: proves two properties of the kernel from GCC's call graphs
 * (-fcallgraph-info=su, one .ci file per source file):
 *   1. no recursion: the call graph reachable from the kernel's entries has no cycle, and no
 *      indirect call (whose target the graph cannot know);
 *   2. a bounded stack: the deepest path from each entry, summing frame sizes, fits the limit.
 * Functions without a frame size in any .ci file (assembly, builtins) count as 0 bytes and are
 * listed. Prints one line per entry and exits 1 when a property does not hold.
 *
 * An indirect call is an error unless its targets are declared with -i CALLER=TARGET[+TARGET...]
 * (the kernel makes them only at boot: a parser's callback, a device-tree walk): the check then
 * follows the declared targets instead, so the bound still covers them.
 *
 * usage: stackcheck [-i CALLER=TARGET[+TARGET...]]... LIMIT_BYTES ENTRY[,ENTRY...] FILE.ci...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 4096
#define MAX_EDGES 16384
#define NAME_LEN 160

struct node {
    char title[NAME_LEN];
    long frame;        /* bytes, -1 when unknown */
    int first_edge;    /* adjacency list */
    int state;         /* 0 new, 1 on the DFS stack, 2 done */
    long depth;        /* deepest stack from here, including its own frame */
    int next_on_path;  /* the callee on that deepest path, -1 at a leaf */
};

struct edge {
    int to, next;
};

static struct node nodes[MAX_NODES];
/* Callers whose indirect calls have declared targets (-i). */
static int resolved[64], nresolved;
static struct edge edges[MAX_EDGES];
static int nnodes, nedges;

static int node_id(const char *title)
{
    for (int i = 0; i < nnodes; i++)
        if (strcmp(nodes[i].title, title) == 0) return i;
    if (nnodes == MAX_NODES) {
        fprintf(stderr, "stackcheck: more than %d functions\n", MAX_NODES);
        exit(2);
    }
    struct node *n = &nodes[nnodes];
    snprintf(n->title, sizeof n->title, "%s", title);
    n->frame = -1;
    n->first_edge = -1;
    n->next_on_path = -1;
    return nnodes++;
}

/* A function by its title, or by its name alone (a static function's title is file:name) when
 * that is unique; -1 if none. */
static int find_node(const char *name)
{
    int found = -1;
    for (int i = 0; i < nnodes; i++) {
        const char *t = nodes[i].title, *c = strrchr(t, ':');
        if (strcmp(t, name) == 0) return i;
        if (c && strcmp(c + 1, name) == 0) {
            if (found >= 0) return -2;
            found = i;
        }
    }
    return found;
}

/* Copies the quoted string after `key` in line into out; 0 if absent. */
static int quoted(const char *line, const char *key, char *out, size_t cap)
{
    const char *p = strstr(line, key);
    if (!p) return 0;
    p += strlen(key);
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < cap) out[n++] = *p++;
    out[n] = '\0';
    return 1;
}

static void add_edge(int from, int to)
{
    if (nedges == MAX_EDGES) {
        fprintf(stderr, "stackcheck: more than %d calls\n", MAX_EDGES);
        exit(2);
    }
    edges[nedges] = (struct edge){to, nodes[from].first_edge};
    nodes[from].first_edge = nedges++;
}

static void read_ci(const char *path)
{
    char line[2048], a[NAME_LEN], b[NAME_LEN], label[512];
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "node:", 5) == 0 && quoted(line, "title: \"", a, sizeof a)) {
            int id = node_id(a);
            /* A defined function's label ends with "N bytes (...)". */
            if (quoted(line, "label: \"", label, sizeof label)) {
                char *bytes = strstr(label, " bytes");
                if (bytes) {
                    char *num = bytes;
                    while (num > label && num[-1] >= '0' && num[-1] <= '9') num--;
                    nodes[id].frame = strtol(num, NULL, 10);
                }
            }
        } else if (strncmp(line, "edge:", 5) == 0 && quoted(line, "sourcename: \"", a, sizeof a) &&
                   quoted(line, "targetname: \"", b, sizeof b)) {
            add_edge(node_id(a), node_id(b));
        }
    }
    fclose(f);
}

static int is_resolved(int n)
{
    for (int i = 0; i < nresolved; i++)
        if (resolved[i] == n) return 1;
    return 0;
}

/* -i CALLER=TARGET[+TARGET...]: edges from CALLER to each TARGET; 0 if a name is unknown. */
static int declare_indirect(char *spec)
{
    char *eq = strchr(spec, '=');
    if (!eq || nresolved == (int)(sizeof resolved / sizeof resolved[0])) return 0;
    *eq = '\0';
    int caller = find_node(spec);
    if (caller < 0) {
        printf("stackcheck: -i: no single function %s in the call graphs\n", spec);
        return 0;
    }
    for (char *t = strtok(eq + 1, "+"); t; t = strtok(NULL, "+")) {
        int to = find_node(t);
        if (to < 0 || nodes[to].frame < 0) {
            printf("stackcheck: -i: no single defined function %s in the call graphs\n", t);
            return 0;
        }
        add_edge(caller, to);
    }
    resolved[nresolved++] = caller;
    return 1;
}

/* Iterative DFS from root: detects cycles and computes the deepest path. */
static int analyse(int root, int *bad)
{
    static int stack[MAX_NODES], cursor[MAX_NODES];
    int sp = 0;
    if (nodes[root].state == 2) return 0;
    stack[sp] = root;
    cursor[sp++] = nodes[root].first_edge;
    nodes[root].state = 1;
    while (sp > 0) {
        int n = stack[sp - 1];
        int e = cursor[sp - 1];
        if (e >= 0) {
            cursor[sp - 1] = edges[e].next;
            int to = edges[e].to;
            if (strcmp(nodes[to].title, "__indirect_call") == 0 && !is_resolved(n)) {
                printf("stackcheck: indirect call in %s\n", nodes[n].title);
                (*bad)++;
            }
            if (nodes[to].state == 1) {
                printf("stackcheck: recursion: %s calls %s, which is on the path to it:", nodes[n].title, nodes[to].title);
                for (int i = 0; i < sp; i++) printf(" %s", nodes[stack[i]].title);
                printf("\n");
                (*bad)++;
            } else if (nodes[to].state == 0) {
                nodes[to].state = 1;
                stack[sp] = to;
                cursor[sp++] = nodes[to].first_edge;
            }
            continue;
        }
        /* All callees done: the deepest of them plus our own frame. */
        long own = nodes[n].frame > 0 ? nodes[n].frame : 0, best = 0;
        for (int x = nodes[n].first_edge; x >= 0; x = edges[x].next) {
            int to = edges[x].to;
            if (nodes[to].state == 2 && nodes[to].depth > best) {
                best = nodes[to].depth;
                nodes[n].next_on_path = to;
            }
        }
        nodes[n].depth = own + best;
        nodes[n].state = 2;
        sp--;
    }
    return 0;
}

static const char *short_name(const char *title)
{
    const char *c = strrchr(title, ':');
    return c ? c + 1 : title;
}

int main(int argc, char **argv)
{
    int first = 1;
    while (first + 1 < argc && strcmp(argv[first], "-i") == 0) first += 2;
    if (argc - first < 3) {
        fprintf(stderr, "usage: stackcheck [-i CALLER=TARGET[+TARGET...]]... LIMIT_BYTES ENTRY[,ENTRY...] FILE.ci...\n");
        return 2;
    }
    long limit = strtol(argv[first], NULL, 10);
    for (int i = first + 2; i < argc; i++) read_ci(argv[i]);
    int bad = 0;
    for (int i = 1; i < first; i += 2)
        if (!declare_indirect(argv[i + 1])) bad++;
    char entries[1024];
    snprintf(entries, sizeof entries, "%s", argv[first + 1]);
    for (char *e = strtok(entries, ","); e; e = strtok(NULL, ",")) {
        int id = node_id(e);
        if (nodes[id].frame < 0) {
            printf("stackcheck: entry %s is not defined in the call graphs\n", e);
            bad++;
            continue;
        }
        analyse(id, &bad);
        printf("stackcheck: %s: worst stack %ld bytes (limit %ld):", e, nodes[id].depth, limit);
        for (int n = id; n >= 0; n = nodes[n].next_on_path) printf(" %s(%ld)", short_name(nodes[n].title), nodes[n].frame);
        printf("\n");
        if (nodes[id].depth > limit) bad++;
    }
    int unknown = 0;
    for (int i = 0; i < nnodes; i++)
        if (nodes[i].state == 2 && nodes[i].frame < 0) unknown++;
    if (unknown) {
        printf("stackcheck: %d reachable functions without a frame size (assembly or builtins, counted as 0):", unknown);
        for (int i = 0; i < nnodes; i++)
            if (nodes[i].state == 2 && nodes[i].frame < 0) printf(" %s", nodes[i].title);
        printf("\n");
    }
    if (bad) printf("stackcheck: FAILED\n");
    else if (nresolved) printf("stackcheck: no recursion, no indirect calls but the %d declared, stack within the limit\n", nresolved);
    else printf("stackcheck: no recursion, no indirect calls, stack within the limit\n");
    return bad ? 1 : 0;
}
