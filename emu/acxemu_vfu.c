// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * acxxx-emu: the vfio-user front-end.
 *
 * QEMU's vfio-user-pci client sees the model as a PCI function with the
 * family's identity (vendor 0x14D6, the device ID, class 0x010400): the
 * registers in BAR0 on the IOP341 family, in BAR1 on the 2208/3108 family
 * with a small BAR0 beside it that reads as zero (1.1, 15.1); INTx on
 * pin A, and an MSI capability when asked for (16.8).  When asked, it is a
 * PCI Express endpoint with Advanced Error Reporting.  A function reset
 * (machine reset, the secondary bus reset of the guest's AER recovery)
 * restarts the firmware (acxemu_reset()).  The server thread
 * answers QEMU; the model's workers do the slow work.  A client that goes
 * away (QEMU exits) leaves the model running for the control socket; the
 * next client is served the same device.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acxxx_proto.h"
#include "acxemu_frontend.h"
#include "vfio-user/vfu.h"

#define ACXEMU_VFU_BAR0_SIZE	4096

struct vfu_fe {
	struct vfu_server *srv;
	struct acxemu *emu;
	int regbar;
	bool msi;
	bool pcie;
	pthread_t thread;
	bool started;
};

static int fe_dma_read(void *ctx, u64 addr, void *buf, size_t len)
{
	return vfu_dma_read(ctx, addr, buf, len);
}

static int fe_dma_write(void *ctx, u64 addr, const void *buf, size_t len)
{
	return vfu_dma_write(ctx, addr, buf, len);
}

static const struct acxemu_dma_ops fe_dma = {
	.read = fe_dma_read,
	.write = fe_dma_write,
};

static void fe_irq(void *ctx, bool level)
{
	vfu_irq_set_level(ctx, level);
}

static void fe_irq_count(void *ctx, u64 *intx, u64 *msi)
{
	struct vfu_stats st;

	vfu_get_stats(ctx, &st);
	*intx = st.intx_signals;
	*msi = st.msi_signals;
}

static u64 fe_bar_read(void *ctx, int bar, u64 off, unsigned int size)
{
	struct vfu_fe *v = ctx;

	if (bar != v->regbar || !v->emu || size > 4)
		return 0;
	return acxemu_reg_read(v->emu, (u32)off, size);
}

static void fe_bar_write(void *ctx, int bar, u64 off, u64 val,
			 unsigned int size)
{
	struct vfu_fe *v = ctx;

	if (bar != v->regbar || !v->emu || size > 4)
		return;
	acxemu_reg_write(v->emu, (u32)off, (u32)val, size);
}

/* A function reset from QEMU (machine reset, secondary bus reset). */
static void fe_reset(void *ctx)
{
	struct vfu_fe *v = ctx;

	if (v->emu)
		acxemu_reset(v->emu);
}

static int fe_prepare(struct acxemu_frontend *fe, const char *path,
		      struct acxemu_config *cfg)
{
	struct vfu_fe *v = fe->priv;
	struct vfu_pci_info pci = {
		.vendor_id = ACXXX_PCI_VENDOR,
		.device_id = cfg->device_id,
		.subsys_vendor_id = ACXXX_PCI_VENDOR,
		.subsys_id = cfg->device_id,
		.revision = 1,
		.class_code = ACXXX_PCI_CLASS_RAID,
		.msi = v->msi,
		.pcie = v->pcie,
	};
	struct vfu_device_ops ops = {
		.bar_read = fe_bar_read,
		.bar_write = fe_bar_write,
		.reset = fe_reset,
	};
	int err = -EINVAL;

	if (!path)
		return -EINVAL;
	v->regbar = acxemu_family_of(cfg->device_id) == ACXEMU_FAMILY_341 ?
		    ACXXX_REG_BAR_341 : ACXXX_REG_BAR_2208;
	if (v->regbar)
		pci.bar_size[0] = ACXEMU_VFU_BAR0_SIZE;
	pci.bar_size[v->regbar] = ACXXX_REG_BAR_SIZE;
	v->srv = vfu_create(path, &pci, &ops, v, &err);
	if (!v->srv)
		return err;
	cfg->dma = &fe_dma;
	cfg->dma_ctx = v->srv;
	cfg->irq_cb = fe_irq;
	cfg->irq_ctx = v->srv;
	cfg->irq_count = fe_irq_count;
	return 0;
}

static void *fe_loop(void *arg)
{
	struct vfu_fe *v = arg;
	int rc;

	/* One client after another, until the program stops. */
	for (;;) {
		rc = vfu_run(v->srv);
		if (rc == -ECANCELED)
			break;
		if (rc)
			fprintf(stderr, "acxxx-emu: vfio-user: client lost: %s\n",
				strerror(-rc));
	}
	return NULL;
}

static int fe_start(struct acxemu_frontend *fe, struct acxemu *emu)
{
	struct vfu_fe *v = fe->priv;
	int rc;

	v->emu = emu;
	rc = pthread_create(&v->thread, NULL, fe_loop, v);
	if (rc)
		return -rc;
	v->started = true;
	return 0;
}

/* Stop answering QEMU; the model's workers may still use the DMA seam. */
static void fe_stop(struct acxemu_frontend *fe)
{
	struct vfu_fe *v = fe->priv;

	if (v->started) {
		vfu_stop(v->srv);
		pthread_join(v->thread, NULL);
		v->started = false;
	}
	v->emu = NULL;
}

/* The model is gone: nothing uses the server any more. */
static void fe_release(struct acxemu_frontend *fe)
{
	struct vfu_fe *v = fe->priv;

	vfu_destroy(v->srv);
	v->srv = NULL;
}

static struct vfu_fe vfu_fe_state;

struct acxemu_frontend acxemu_vfu_frontend = {
	.name = "vfio-user",
	.prepare = fe_prepare,
	.start = fe_start,
	.stop = fe_stop,
	.release = fe_release,
	.priv = &vfu_fe_state,
};

/* Offer an MSI capability besides INTx (before prepare()). */
void acxemu_vfu_want_msi(bool msi)
{
	vfu_fe_state.msi = msi;
}

/* A PCI Express endpoint with AER, or (the default) conventional PCI. */
void acxemu_vfu_want_pcie(bool pcie)
{
	vfu_fe_state.pcie = pcie;
}
