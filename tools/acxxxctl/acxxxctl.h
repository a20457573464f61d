/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acxxxctl: what its parts share.
 */
#ifndef ACXXXCTL_H
#define ACXXXCTL_H

#include <stdio.h>

/* Exit codes a script can rely on (documented in -h and acxxxctl(8)). */
enum {
	RC_OK = 0,
	RC_ERROR = 1,		/* any other error */
	RC_USAGE = 2,		/* bad command line */
	RC_NOADAPTER = 3,	/* no such acxxx adapter */
	RC_PERM = 4,		/* permission denied */
	RC_BUSY = 5,		/* adapter busy (resetting...) or offline */
	RC_FIRMWARE = 6,	/* the firmware answered with an error */
	RC_TIMEOUT = 7,		/* the firmware did not answer in time */
};

void json_str(FILE *f, const char *s);
void json_key(FILE *f, int *first, const char *key);
void json_kstr(FILE *f, int *first, const char *key, const char *val);
void json_knum(FILE *f, int *first, const char *key, unsigned long long val);
void json_khex(FILE *f, int *first, const char *key, const void *buf,
	       size_t len);

#endif /* ACXXXCTL_H */
