/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The date at boot from the PC's CMOS real-time clock (MC146818: index port 0x70, data port
 * 0x71), read once for the boot info so that VMMs can give guests the wall clock (Xen's
 * shared_info wc_sec). QEMU's RTC starts at the host's UTC time (-rtc base=utc, its default).
 * The registers are read twice until both reads agree, outside an update (status A's UIP), as
 * Linux's mc146818_get_time does; BCD or binary and 12- or 24-hour per status B.
 */
#include "kernel.h"
#include "x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32      /* the ACPI FADT's usual century register */
#define STATUS_A_UIP 0x80     /* an update is in progress: the registers may be inconsistent */
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80          /* 12-hour mode */
#define UIP_POLLS 10000u      /* an update lasts under 2.3 ms, a port read about 1 us: 10 ms, then no RTC */

struct rtc_time { uint8_t sec, min, hour, day, mon, year, century; };

static uint8_t cmos(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static bool read_once(struct rtc_time *t)
{
    for (word_t i = 0; cmos(RTC_STATUS_A) & STATUS_A_UIP; i++)
        if (i == UIP_POLLS) return false;
    *t = (struct rtc_time){ cmos(RTC_SECONDS), cmos(RTC_MINUTES), cmos(RTC_HOURS), cmos(RTC_DAY),
                            cmos(RTC_MONTH), cmos(RTC_YEAR), cmos(RTC_CENTURY) };
    return true;
}

static word_t from_bcd(uint8_t v)
{
    return (word_t)(v >> 4) * 10u + (v & 0xfu);
}

/* Days from 1970-01-01 to year-month-day of the proleptic Gregorian calendar (month 1..12). */
static word_t days_since_epoch(word_t year, word_t month, word_t day)
{
    if (month <= 2) year--, month += 12;  /* March first: the leap day ends the year */
    word_t leaps = year / 4 - year / 100 + year / 400;
    return 365u * year + leaps + (153u * (month - 3) + 2) / 5 + day - 1 - 719468u;
}

void plat_wallclock(word_t *unix_sec, word_t *counter)
{
    struct rtc_time a, b;
    *unix_sec = *counter = 0;
    word_t tries = 0;
    do {
        if (!read_once(&a) || !read_once(&b) || ++tries > 8) return;
    } while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day || a.mon != b.mon ||
             a.year != b.year || a.century != b.century);
    *counter = rdtsc();
    uint8_t status = cmos(RTC_STATUS_B);
    bool pm = !(status & STATUS_B_24H) && (a.hour & HOUR_PM);
    a.hour &= (uint8_t)~HOUR_PM;
    word_t sec = a.sec, min = a.min, hour = a.hour, day = a.day, mon = a.mon, year = a.year, century = a.century;
    if (!(status & STATUS_B_BINARY)) {
        sec = from_bcd(a.sec), min = from_bcd(a.min), hour = from_bcd(a.hour), day = from_bcd(a.day);
        mon = from_bcd(a.mon), year = from_bcd(a.year), century = from_bcd(a.century);
    }
    if (!(status & STATUS_B_24H)) hour = hour % 12u + (pm ? 12u : 0u);
    /* No century register (or a blank one): years 70..99 are 19xx, the rest 20xx, as Linux. */
    year += century >= 19 && century <= 99 ? century * 100u : year < 70 ? 2000u : 1900u;
    if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || mon < 1 || mon > 12) {
        kprintf("[kernel] real-time clock: unreadable date; the wall clock is unknown\n");
        *counter = 0;
        return;
    }
    *unix_sec = days_since_epoch(year, mon, day) * 86400u + hour * 3600u + min * 60u + sec;
    kprintf("[kernel] real-time clock: %lu-%02lu-%02lu %02lu:%02lu:%02lu UTC (%lu s since 1970)\n", year, mon, day,
            hour, min, sec, *unix_sec);
}
