/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target for lib/cpio.c: walks the input as an archive, touching
 * every byte of every name and file the reader hands out, checks the
 * reader's promises (pointers inside the input, offsets advancing and
 * aligned, errors with messages), and looks names up.
 */
#include <stddef.h>
#include <stdint.h>

#include "cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void require(int cond)
{
	if (!cond)
		__builtin_trap();
}

/* [p, p + n) must lie in the input; reading it lets ASan check too. */
static void touch(const uint8_t *in, size_t size, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	require(b >= in && n <= (size_t)(in + size - b));
	for (size_t i = 0; i < n; i++)
		x ^= b[i];
	sink = x;
}

static int walk(const uint8_t *data, size_t size, const char **last)
{
	struct bh_cpio_entry e;
	size_t off = 0, prev;
	int err;

	for (;;) {
		prev = off;
		err = bh_cpio_next(data, size, &off, &e);
		if (err != BH_CPIO_OK)
			break;
		require(off > prev && off <= size && (off == size || off % 4 == 0));
		touch(data, size, e.name, e.name_len + 1);
		require(e.name[e.name_len] == 0);
		touch(data, size, e.data, e.size);
		*last = e.name;
	}
	require(off == prev);
	require(bh_cpio_strerror(err) != NULL);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "init", "./root", "TRAILER!!!", "" };
	struct bh_cpio_entry e;
	const char *last = NULL;
	int err = walk(data, size, &last), ferr;

	require(err < 0 || err == BH_CPIO_END);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ferr = bh_cpio_find(data, size, names[i], &e);
		if (ferr == BH_CPIO_OK)
			touch(data, size, e.data, e.size);
		else
			require(ferr < 0);
	}
	/* The last name seen can always be found again. */
	if (last != NULL) {
		ferr = bh_cpio_find(data, size, last, &e);
		require(ferr == BH_CPIO_OK);
	}
	return 0;
}
