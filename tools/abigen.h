/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* What tools/abigen.c (calls, errors, objects, invocations) shares with tools/abigen_layout.c
 * (layouts: bitfields, enums, structs, lists, the architectures' VCPU files). */
#ifndef TOOLS_ABIGEN_H
#define TOOLS_ABIGEN_H

#include <stdio.h>

#define NAME_LEN 48
#define DOC_LEN 512

extern const char *src_path;
extern int lineno;
extern int abi_version;

__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
int token(char **p, char *out, size_t cap);
void need(char **p, char *out, size_t cap, const char *what);

/* Object types, for the size table: name, number and size ("var", "var+N", "none" or N). */
int object_count(void);
void object_info(int i, const char **name, long *value, const char **size);

/* abigen_layout.c. layout_line: takes a line whose first word is word (rest at p) when it is
 * a layout line or inside a layout block; false otherwise. layout_begin_file: the file about to
 * be parsed (architecture files start with "arch NAME"). */
void layout_begin_file(void);
int layout_line(const char *word, char *p);
void layout_end_file(void);
void layout_write_user(FILE *f);
void layout_write_kernel(FILE *f);
void layout_write_arch(FILE *f, int arch);
int layout_arch_count(void);
void layout_write_reference(FILE *f);

#endif
