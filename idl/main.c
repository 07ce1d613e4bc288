/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * bhidl command line. Usage in docs/idl.md; `bhidl --help` prints it.
 */
#define _POSIX_C_SOURCE 200809L
#include "bhidl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void ctx_init(struct ctx *c, const char *file);
int run_passes(struct ctx *c, const char *src, size_t len);

static void usage(FILE *f)
{
    fputs("usage: bhidl [options] SYSTEM.bh\n"
          "       bhidl --dump-spec FILE\n"
          "  -o DIR        output directory (default .): DIR/<instance>/glue.{h,c}, DIR/system.spec,\n"
          "                DIR/report.txt\n"
          "  --check       check only, write nothing\n"
          "  --spec FILE   write the system specification to FILE instead of DIR/system.spec\n"
          "  --graph       also write DIR/system.dot and DIR/system.svg (runs Graphviz dot)\n"
          "  --report      also print the separation report on standard output\n"
          "  --no-glue     do not write the C glue\n"
          "  --dump-spec F print the specification in F as text and exit\n",
          f);
}

static char *read_file(struct arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    DA(char) buf = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        for (size_t i = 0; i < n; i++) *DA_PUSH(a, &buf) = chunk[i];
    int bad = ferror(f);
    fclose(f);
    if (bad) return NULL;
    *len = buf.n;
    return buf.n ? buf.v : arena_alloc(a, 1);
}

/* mkdir -p: the output folder and every missing parent. */
static int make_dirs(struct arena *a, const char *path)
{
    char *p = arena_printf(a, "%s", path);
    for (char *s = p + 1; ; s++) {
        if (*s != '/' && *s != '\0') continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "bhidl: cannot create the folder %s: %s\n", p, strerror(errno));
            return -1;
        }
        *s = c;
        if (c == '\0') return 0;
    }
}

/* The folder part of a file path ("." when it has none). */
static const char *parent_of(struct arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return ".";
    if (slash == path) return "/";
    return arena_printf(a, "%.*s", (int)(slash - path), path);
}

static int run_dot(const char *dot, const char *svg)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execlp("dot", "dot", "-Tsvg", "-o", svg, dot, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "bhidl: dot failed to write %s (is graphviz installed?)\n", svg);
        return -1;
    }
    return 0;
}

/* DIR/report.txt, and with --graph DIR/system.dot and DIR/system.svg. */
static int write_views(struct ctx *c, const char *outdir, int graph)
{
    if (make_dirs(&c->arena, outdir) != 0) return -1;
    const char *rp = arena_printf(&c->arena, "%s/report.txt", outdir);
    FILE *f = fopen(rp, "w");
    if (!f) {
        perror(rp);
        return -1;
    }
    gen_report(c, f);
    if (fclose(f) != 0) return -1;
    if (!graph) return 0;
    const char *dot = arena_printf(&c->arena, "%s/system.dot", outdir);
    if (gen_graph(c, dot) != 0 || run_dot(dot, arena_printf(&c->arena, "%s/system.svg", outdir)) != 0) return -1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *outdir = ".", *spec = NULL, *input = NULL;
    int check_only = 0, graph = 0, report = 0, glue = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool takes_value = !strcmp(a, "-o") || !strcmp(a, "--spec") || !strcmp(a, "--dump-spec");
        if (takes_value && (i + 1 >= argc || argv[i + 1][0] == '\0')) {
            fprintf(stderr, "bhidl: %s needs a %s (see bhidl --help)\n", a, strcmp(a, "-o") ? "file" : "folder");
            return 2;
        }
        if (!strcmp(a, "-o")) outdir = argv[++i];
        else if (!strcmp(a, "--spec")) spec = argv[++i];
        else if (!strcmp(a, "--check")) check_only = 1;
        else if (!strcmp(a, "--graph")) graph = 1;
        else if (!strcmp(a, "--report")) report = 1;
        else if (!strcmp(a, "--no-glue")) glue = 0;
        else if (!strcmp(a, "--dump-spec")) return dump_spec(argv[i + 1], stdout);
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "bhidl: unknown option '%s' (see bhidl --help)\n", a);
            return 2;
        } else if (input) {
            fprintf(stderr, "bhidl: one system description at a time: '%s' and '%s' (see bhidl --help)\n", input, a);
            return 2;
        } else input = a;
    }
    if (!input) {
        fprintf(stderr, "bhidl: no system description given\n");
        usage(stderr);
        return 2;
    }
    struct ctx c;
    ctx_init(&c, input);
    size_t len = 0;
    char *src = read_file(&c.arena, input, &len);
    if (!src) {
        fprintf(stderr, "bhidl: cannot read %s: %s\n", input, strerror(errno));
        arena_free(&c.arena);
        return 1;
    }
    int rc = 0;
    if (run_passes(&c, src, len) != 0) {
        diag_print(&c.diags, stderr);
        fprintf(stderr, "bhidl: %zu error%s\n", c.diags.errors, c.diags.errors == 1 ? "" : "s");
        rc = 1;
        /* A failed policy is when the report and the picture are needed: written, no spec. */
        if (c.policy_failed && !check_only && write_views(&c, outdir, graph) == 0)
            fprintf(stderr, "bhidl: no system specification written; the report (%s/report.txt)%s show%s the flows\n",
                    outdir, graph ? " and the picture (system.svg)" : "", graph ? "" : "s");
    } else if (!check_only) {
        if (make_dirs(&c.arena, outdir) != 0 || (spec && make_dirs(&c.arena, parent_of(&c.arena, spec)) != 0)) rc = 1;
        if (!rc && glue && gen_glue(&c, outdir) != 0) rc = 1;
        if (!rc && gen_spec(&c, spec ? spec : arena_printf(&c.arena, "%s/system.spec", outdir)) != 0) rc = 1;
        if (!rc && write_views(&c, outdir, graph) != 0) rc = 1;
        if (!rc && report) gen_report(&c, stdout);
    }
    arena_free(&c.arena);
    return rc;
}
