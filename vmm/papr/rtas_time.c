/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's time-of-day clock: the host's UTC clock plus an offset that set-time-of-day
 * moves (QEMU spapr_rtc.c does the same). Dates are proleptic Gregorian, counted in 400-year
 * eras of 146,097 days with years starting in March (so that February ends a year), in
 * 64-bit integers.
 */
#include "papr.h"

#define NS_PER_S 1000000000ll
#define DAYS_PER_ERA 146097ll        /* 400 Gregorian years */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

/* Days since 1970-01-01 of a civil date; months counted from March so February ends a year. */
static int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (int64_t)(m > 2 ? m - 3 : m + 9);
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * DAYS_PER_ERA + doe - 719468;
}

void papr_civil_from_unix(int64_t seconds, struct papr_civil_time *t)
{
    int64_t days = floor_div(seconds, 86400), rem = seconds - days * 86400;
    int64_t z = days + 719468, era = floor_div(z, DAYS_PER_ERA);
    int64_t doe = z - era * DAYS_PER_ERA;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    t->year = (uint32_t)(yoe + era * 400 + (m <= 2));
    t->month = (uint32_t)m;
    t->day = (uint32_t)(doy - (153 * mp + 2) / 5 + 1);
    t->hour = (uint32_t)(rem / 3600);
    t->minute = (uint32_t)(rem / 60 % 60);
    t->second = (uint32_t)(rem % 60);
}

int64_t papr_unix_from_civil(const struct papr_civil_time *t)
{
    return days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600ll + t->minute * 60ll + t->second;
}

static bool leap(uint32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid(const struct papr_civil_time *t, uint32_t ns)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1) return false;
    uint32_t last = mdays[t->month - 1] + (t->month == 2 && leap(t->year) ? 1u : 0u);
    return t->day <= last && t->hour < 24 && t->minute < 60 && t->second < 60 && ns < NS_PER_S;
}

/* get-time-of-day() -> status, year, month, day, hour, minute, second, nanoseconds. */
void rtas_get_time_of_day(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                          enum papr_action *action)
{
    /* Seconds and nanoseconds apart: year 9999 in nanoseconds overflows 64 bits. */
    uint64_t host = vm->host->now_ns(vm->host->ctx);
    uint64_t ns = host % NS_PER_S + vm->rtc_offset_ns;
    int64_t s = (int64_t)(host / NS_PER_S) + vm->rtc_offset_s + (int64_t)(ns / NS_PER_S);
    ns %= NS_PER_S;
    struct papr_civil_time t;
    papr_civil_from_unix(s, &t);
    rets[0] = RTAS_OUT_SUCCESS;
    rets[1] = t.year;
    rets[2] = t.month;
    rets[3] = t.day;
    rets[4] = t.hour;
    rets[5] = t.minute;
    rets[6] = t.second;
    rets[7] = (uint32_t)ns;
}

/* set-time-of-day(year, month, day, hour, minute, second, nanoseconds). */
void rtas_set_time_of_day(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                          enum papr_action *action)
{
    struct papr_civil_time t = {args[0], args[1], args[2], args[3], args[4], args[5]};
    if (!valid(&t, args[6])) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    uint64_t host = vm->host->now_ns(vm->host->ctx);
    int64_t s = papr_unix_from_civil(&t) - (int64_t)(host / NS_PER_S);
    int64_t ns = (int64_t)args[6] - (int64_t)(host % NS_PER_S);
    if (ns < 0) {
        ns += NS_PER_S;
        s--;
    }
    vm->rtc_offset_s = s;
    vm->rtc_offset_ns = (uint32_t)ns;
    rets[0] = RTAS_OUT_SUCCESS;
}
