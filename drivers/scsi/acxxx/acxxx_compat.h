/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acxxx: the few kernel interfaces that differ between 6.1 and current
 * mainline.  Every switch is a feature probe made by the Makefile on the
 * target kernel's headers, never a version number: stable kernels
 * backport interfaces, so a version test would be wrong.
 *
 * The upstream form of the driver targets mainline only; this header is
 * what the out-of-tree build adds.
 */
#ifndef ACXXX_COMPAT_H
#define ACXXX_COMPAT_H

#include <linux/bsg-lib.h>
#include <linux/hrtimer.h>
#include <scsi/scsi_cmnd.h>

/* scsi_host_alloc() takes a const template since 6.4. */
#ifdef ACXXX_HAVE_CONST_SHT
#define ACXXX_SHT_CONST const
#else
#define ACXXX_SHT_CONST
#endif

/* queuecommand returns enum scsi_qc_status since 7.x. */
#ifdef ACXXX_HAVE_SCSI_QC_STATUS
#define acxxx_qc_ret enum scsi_qc_status
#else
#define acxxx_qc_ret int
#endif

/* hrtimer_setup() replaces hrtimer_init() plus setting .function (6.13). */
static inline void
acxxx_hrtimer_setup(struct hrtimer *t, enum hrtimer_restart (*fn)(struct hrtimer *),
		    clockid_t clock, enum hrtimer_mode mode)
{
#ifdef ACXXX_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

/*
 * bsg_setup_queue() takes queue limits and the reply buffer's size since
 * 6.11; before, the reply buffer is SCSI_SENSE_BUFFERSIZE bytes.
 */
#ifdef ACXXX_HAVE_BSG_SETUP_LIMITS
#define acxxx_bsg_setup_queue(dev, name, fn, tmo, dd_size, reply_len) \
	bsg_setup_queue(dev, name, NULL, fn, tmo, dd_size, reply_len)
#else
#define acxxx_bsg_setup_queue(dev, name, fn, tmo, dd_size, reply_len) \
	({ BUILD_BUG_ON((reply_len) > SCSI_SENSE_BUFFERSIZE); \
	   bsg_setup_queue(dev, name, fn, tmo, dd_size); })
#endif

#endif /* ACXXX_COMPAT_H */
