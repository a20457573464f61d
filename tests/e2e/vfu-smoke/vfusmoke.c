// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfusmoke: guest side of the vfio-user library's smoke test.  Binds to
 * emu/vfio-user's vfu-testdev (vendor 0xcafe) and checks, at probe time,
 * what a driver needs from the transport: config space, register reads
 * and writes of every size, DMA into a coherent buffer (from a device
 * thread, and from the server thread while the vCPU polls), a refused
 * DMA, INTx and MSI interrupts.  Prints "PASS name" / "FAIL name: why" lines
 * and a final "RESULT pass=N fail=M" line per device.
 */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#define R_MAGIC		0x00
#define R_COUNTER	0x04
#define R_SCRATCH0	0x08
#define R_ISR		0x10
#define R_IMR		0x14
#define R_DMA_LO	0x18
#define R_DMA_HI	0x1c
#define R_DMA_LEN	0x20
#define R_DOORBELL	0x24
#define R_RESULT	0x28
#define R_STATUS	0x2c
#define R_INFO		0x30
#define R_JOBS		0x34

#define TD_MAGIC	0x56465554
#define ISR_DMA		0x1
#define ISR_DOORBELL	0x2
#define DMA_SIZE	(64 * 1024)
#define ROUND_TRIPS	100
#define WAIT		(60 * HZ)	/* generous: TCG on a shared machine */

struct smoke {
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *bar0;
	int regbar;
	void *buf;
	dma_addr_t buf_dma;
	struct completion done;
	atomic_t irqs;
	atomic_t spurious;
	int pass, fail;
};

/* One verdict: "PASS name", or "FAIL name: why". */
static __printf(4, 5) void check(struct smoke *s, const char *name, bool ok,
				 const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok) {
		s->pass++;
		dev_info(&s->pdev->dev, "PASS %s\n", name);
		return;
	}
	s->fail++;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dev_err(&s->pdev->dev, "FAIL %s: %pV\n", name, &vaf);
	va_end(args);
}

static irqreturn_t smoke_irq(int irq, void *arg)
{
	struct smoke *s = arg;
	u32 isr = readl(s->regs + R_ISR);

	if (!isr || isr == ~0u) {
		atomic_inc(&s->spurious);
		return IRQ_NONE;
	}
	writel(isr, s->regs + R_ISR);
	atomic_inc(&s->irqs);
	complete(&s->done);
	return IRQ_HANDLED;
}

static void test_config(struct smoke *s)
{
	struct pci_dev *pdev = s->pdev;
	unsigned long fl = pci_resource_flags(pdev, s->regbar);
	u8 pin;

	pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin);
	check(s, "config", pdev->vendor == 0xcafe && pin == 1 &&
	      (pdev->class >> 8) == 0xff00 && pdev->revision == 1 &&
	      (fl & IORESOURCE_MEM) && !(fl & IORESOURCE_PREFETCH) &&
	      !(fl & IORESOURCE_MEM_64),
	      "vendor %04x pin %u class %06x rev %u flags %lx", pdev->vendor,
	      pin, pdev->class, pdev->revision, fl);
	if (s->bar0) {
		u32 v = readl(s->bar0);

		check(s, "bar0-id", v == 0xb0b0b0b0, "BAR0 reads %08x", v);
	}
}

static void test_regs(struct smoke *s)
{
	void __iomem *r = s->regs;
	u32 magic = readl(r + R_MAGIC);
	u32 c0 = readl(r + R_COUNTER), c1 = readl(r + R_COUNTER);
	u32 c2 = readl(r + R_COUNTER), info = readl(r + R_INFO);
	u32 a, b;
	u64 q;

	dev_info(&s->pdev->dev, "magic %08x counter %u %u %u info %08x\n",
		 magic, c0, c1, c2, info);
	check(s, "magic", magic == TD_MAGIC, "%08x", magic);
	check(s, "counter", c1 == c0 + 1 && c2 == c1 + 1, "%u %u %u", c0, c1, c2);
	check(s, "info", ((info >> 8) & 0xf) == s->regbar,
	      "device says BAR%u, driver uses BAR%d", (info >> 8) & 0xf,
	      s->regbar);

	writel(0xdeadbeef, r + R_SCRATCH0);
	a = readl(r + R_SCRATCH0);
	writeb(0x5a, r + R_SCRATCH0 + 1);
	writew(0x1234, r + R_SCRATCH0 + 2);
	b = readl(r + R_SCRATCH0);
	check(s, "scratch", a == 0xdeadbeef && b == 0x12345aef &&
	      readb(r + R_SCRATCH0 + 3) == 0x12 &&
	      readw(r + R_SCRATCH0) == 0x5aef,
	      "%08x %08x", a, b);
	writeq(0x0123456789abcdefULL, r + R_SCRATCH0);
	q = readq(r + R_SCRATCH0);
	check(s, "scratch64", q == 0x0123456789abcdefULL &&
	      readl(r + R_SCRATCH0 + 4) == 0x01234567, "%016llx", q);
}

/* One DMA job of @len bytes at @addr; returns the STATUS register. */
static int dma_job(struct smoke *s, dma_addr_t addr, u32 len, u32 *status)
{
	reinit_completion(&s->done);
	writel(ISR_DMA, s->regs + R_IMR);
	writel(lower_32_bits(addr), s->regs + R_DMA_LO);
	writel(upper_32_bits(addr), s->regs + R_DMA_HI);
	writel(len, s->regs + R_DMA_LEN);
	writel(1, s->regs + R_DOORBELL);
	if (!wait_for_completion_timeout(&s->done, WAIT))
		return -ETIMEDOUT;
	*status = readl(s->regs + R_STATUS);
	return 0;
}

static void test_dma(struct smoke *s, const char *mode)
{
	u8 *p = s->buf;
	u32 sum = 0, status = 0, result, bad = 0;
	char name[32];
	int i, rc;

	for (i = 0; i < DMA_SIZE; i++) {
		p[i] = (u8)(i * 7 + 3);
		sum += p[i];
	}
	rc = dma_job(s, s->buf_dma, DMA_SIZE, &status);
	result = readl(s->regs + R_RESULT);
	for (i = 0; i < DMA_SIZE; i++)
		if (p[i] != (u8)~(u8)(i * 7 + 3))
			bad++;
	snprintf(name, sizeof(name), "dma-%s", mode);
	check(s, name, !rc && !(status >> 16) && result == sum && !bad,
	      "rc %d status %08x sum %08x expected %08x, %u/%u bytes wrong",
	      rc, status, result, sum, bad, DMA_SIZE);

	/* A bus address no RAM backs: the device must refuse it. */
	rc = dma_job(s, 0xfff0000000000000ULL, 4096, &status);
	snprintf(name, sizeof(name), "dma-fault-%s", mode);
	check(s, name, !rc && (status >> 16) == EFAULT,
	      "rc %d status %08x (want errno %d)", rc, status, EFAULT);
}

/*
 * Doorbell 4: the device does the job inside the register write, in the
 * vfio-user server thread, while this vCPU polls STATUS.  Without shared
 * guest memory that is the DMA-message deadlock of the field notes
 * unless the server keeps serving the client while it waits.
 */
static void test_dma_polled(struct smoke *s)
{
	u8 *p = s->buf;
	u32 sum = 0, status = 0, result, bad = 0, polls = 0;
	int i;

	for (i = 0; i < 4096; i++) {
		p[i] = (u8)(i * 13 + 1);
		sum += p[i];
	}
	writel(0, s->regs + R_IMR);
	writel(lower_32_bits(s->buf_dma), s->regs + R_DMA_LO);
	writel(upper_32_bits(s->buf_dma), s->regs + R_DMA_HI);
	writel(4096, s->regs + R_DMA_LEN);
	writel(4, s->regs + R_DOORBELL);
	do {
		status = readl(s->regs + R_STATUS);
		polls++;
	} while ((status & 1) && polls < 1000000);
	result = readl(s->regs + R_RESULT);
	writel(readl(s->regs + R_ISR), s->regs + R_ISR);
	for (i = 0; i < 4096; i++)
		if (p[i] != (u8)~(u8)(i * 13 + 1))
			bad++;
	dev_info(&s->pdev->dev, "polled DMA: %u status polls\n", polls);
	check(s, "dma-polled", !(status & 1) && !(status >> 16) && result == sum &&
	      !bad && status != ~0u,
	      "status %08x after %u polls, sum %08x expected %08x, %u bytes wrong",
	      status, polls, result, sum, bad);
}

static void test_round_trips(struct smoke *s, const char *mode)
{
	ktime_t t0 = ktime_get();
	char name[32];
	int i, got = 0;

	atomic_set(&s->irqs, 0);
	atomic_set(&s->spurious, 0);
	writel(ISR_DOORBELL, s->regs + R_IMR);
	for (i = 0; i < ROUND_TRIPS; i++) {
		reinit_completion(&s->done);
		writel(2, s->regs + R_DOORBELL);
		if (!wait_for_completion_timeout(&s->done, WAIT))
			break;
		got++;
	}
	writel(0, s->regs + R_IMR);
	dev_info(&s->pdev->dev,
		 "%s: %d doorbell->irq round trips, avg %lld us, handled %d, spurious %d\n",
		 mode, got, got ? ktime_us_delta(ktime_get(), t0) / got : 0,
		 atomic_read(&s->irqs), atomic_read(&s->spurious));
	snprintf(name, sizeof(name), "irq-%s", mode);
	check(s, name, got == ROUND_TRIPS && atomic_read(&s->irqs) == ROUND_TRIPS,
	      "%d of %d round trips, %d handled", got, ROUND_TRIPS,
	      atomic_read(&s->irqs));
	if (!strcmp(mode, "msi")) {
		snprintf(name, sizeof(name), "no-spurious-%s", mode);
		check(s, name, atomic_read(&s->spurious) == 0, "%d spurious",
		      atomic_read(&s->spurious));
	}
}

static int smoke_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct smoke *s;
	int rc, irq;

	s = devm_kzalloc(&pdev->dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->pdev = pdev;
	init_completion(&s->done);
	pci_set_drvdata(pdev, s);

	rc = pci_enable_device(pdev);
	if (rc)
		return rc;
	rc = pci_request_regions(pdev, "vfusmoke");
	if (rc)
		goto disable;
	pci_set_master(pdev);
	rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (rc)
		goto release;
	/* Register BAR: BAR1 when the device has one, else BAR0. */
	s->regbar = pci_resource_len(pdev, 1) ? 1 : 0;
	s->regs = pci_iomap(pdev, s->regbar, 0);
	if (s->regbar)
		s->bar0 = pci_iomap(pdev, 0, 0);
	if (!s->regs || (s->regbar && !s->bar0)) {
		rc = -ENOMEM;
		goto unmap;
	}
	s->buf = dma_alloc_coherent(&pdev->dev, DMA_SIZE, &s->buf_dma,
				    GFP_KERNEL);
	if (!s->buf) {
		rc = -ENOMEM;
		goto unmap;
	}
	dev_info(&pdev->dev, "register BAR%d %pR, irq %d, msi cap %s\n",
		 s->regbar, &pdev->resource[s->regbar], pdev->irq,
		 pdev->msi_cap ? "yes" : "no");

	test_config(s);
	test_regs(s);
	test_dma_polled(s);

	rc = request_irq(pdev->irq, smoke_irq, IRQF_SHARED, "vfusmoke", s);
	check(s, "request-intx", !rc, "request_irq: %d", rc);
	if (!rc) {
		test_dma(s, "intx");
		test_round_trips(s, "intx");
		free_irq(pdev->irq, s);
	}

	if (pdev->msi_cap) {
		rc = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
		check(s, "enable-msi", rc == 1, "pci_alloc_irq_vectors: %d", rc);
		if (rc == 1) {
			irq = pci_irq_vector(pdev, 0);
			rc = request_irq(irq, smoke_irq, 0, "vfusmoke-msi", s);
			check(s, "request-msi", !rc, "request_irq: %d", rc);
			if (!rc) {
				test_dma(s, "msi");
				test_round_trips(s, "msi");
				free_irq(irq, s);
			}
			pci_free_irq_vectors(pdev);
		}
	}
	dev_info(&pdev->dev, "jobs %u\n", readl(s->regs + R_JOBS));
	dev_info(&pdev->dev, "RESULT pass=%d fail=%d\n", s->pass, s->fail);
	return 0;

unmap:
	if (s->bar0)
		pci_iounmap(pdev, s->bar0);
	if (s->regs)
		pci_iounmap(pdev, s->regs);
release:
	pci_release_regions(pdev);
disable:
	pci_disable_device(pdev);
	return rc;
}

static void smoke_remove(struct pci_dev *pdev)
{
	struct smoke *s = pci_get_drvdata(pdev);

	dma_free_coherent(&pdev->dev, DMA_SIZE, s->buf, s->buf_dma);
	if (s->bar0)
		pci_iounmap(pdev, s->bar0);
	pci_iounmap(pdev, s->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id smoke_ids[] = {
	{ PCI_DEVICE(0xcafe, PCI_ANY_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, smoke_ids);

static struct pci_driver smoke_driver = {
	.name = "vfusmoke",
	.id_table = smoke_ids,
	.probe = smoke_probe,
	.remove = smoke_remove,
};
module_pci_driver(smoke_driver);

MODULE_DESCRIPTION("smoke test of the acxxx vfio-user library (vfu-testdev)");
MODULE_LICENSE("GPL");
