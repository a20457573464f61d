/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* The unit test suites of the device model. */
#ifndef ACXEMU_TEST_SUITES_H
#define ACXEMU_TEST_SUITES_H

#include <check.h>
#include <errno.h>

#include "acxxx_types.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* One device per register dialect: 341, 2208, 3108 (loop tests index it). */
extern const u16 fam_dev[3];

Suite *suite_regs(void);
Suite *suite_scsi(void);
Suite *suite_bdl(void);
Suite *suite_mgmt(void);
Suite *suite_cache(void);
Suite *suite_faults(void);
Suite *suite_ctl(void);
Suite *suite_threads(void);
Suite *suite_stats(void);

#endif /* ACXEMU_TEST_SUITES_H */
