// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * Runs every suite and ends with the line "unit: N passed, N failed".
 * An optional argument selects one suite by name.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"

int main(int argc, char **argv)
{
	Suite *(*const all[])(void) = {
		suite_regs, suite_scsi, suite_bdl, suite_mgmt, suite_cache,
		suite_faults, suite_ctl, suite_threads, suite_stats,
	};
	SRunner *sr = NULL;
	unsigned int i;
	int run, failed;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		Suite *s = all[i]();

		if (!sr)
			sr = srunner_create(s);
		else
			srunner_add_suite(sr, s);
	}
	srunner_run(sr, argc > 1 ? argv[1] : NULL, NULL, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed || !run ? 1 : 0;
}
