// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit suites for the OS-neutral core and the driver's state machine.
 */
#include <linux/module.h>

#include "acxxx_test.h"

kunit_test_suites(&acxxx_ctl_suite, &acxxx_req_suite, &acxxx_reply_suite,
		  &acxxx_init_suite, &acxxx_page_suite, &acxxx_state_suite,
		  &acxxx_app_suite);

MODULE_DESCRIPTION("KUnit tests for the acxxx core");
MODULE_LICENSE("GPL");
/* The namespace as a string works before and after 6.13. */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
