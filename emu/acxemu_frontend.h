/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * acxxx-emu transport front-ends.
 *
 * A front-end connects one model to a host: it supplies the DMA operations
 * and the interrupt callback, and forwards register accesses to
 * acxemu_reg_read()/acxemu_reg_write().  The program creates the model
 * after prepare() and calls start() once the model exists; stop() is
 * called before the model is destroyed.  The headless front-end (no host:
 * every DMA fails, no interrupt line) is the default; a vfio-user server
 * is added as another entry selected with --vfio-user SOCKETPATH.
 */
#ifndef ACXEMU_FRONTEND_H
#define ACXEMU_FRONTEND_H

#include "acxemu.h"

/**
 * struct acxemu_frontend - one transport
 * @name: name shown in messages
 * @prepare: fill @cfg->dma, @cfg->dma_ctx, @cfg->irq_cb and @cfg->irq_ctx;
 *	@arg is the front-end's command-line argument (or NULL)
 * @start: the model exists; start serving the host (may create threads)
 * @stop: stop serving; the model is destroyed afterwards
 * @release: the model has been destroyed (nothing calls the DMA or
 *	interrupt seam any more); free what prepare() made.  May be NULL.
 * @priv: front-end state
 */
struct acxemu_frontend {
	const char *name;
	int (*prepare)(struct acxemu_frontend *fe, const char *arg,
		       struct acxemu_config *cfg);
	int (*start)(struct acxemu_frontend *fe, struct acxemu *emu);
	void (*stop)(struct acxemu_frontend *fe);
	void (*release)(struct acxemu_frontend *fe);
	void *priv;
};

/* The vfio-user server (acxemu_vfu.c), selected with --vfio-user PATH. */
extern struct acxemu_frontend acxemu_vfu_frontend;
void acxemu_vfu_want_msi(bool msi);
void acxemu_vfu_want_pcie(bool pcie);

#endif /* ACXEMU_FRONTEND_H */
