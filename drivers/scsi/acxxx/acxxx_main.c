// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: the module, the PCI driver (probe, remove, shutdown, power
 * management, PCI error recovery) and the host's sysfs attributes.
 *
 * Probe maps the registers, allocates the control memory, masks and hooks
 * the interrupt, registers the SCSI host and starts the bring-up
 * (acxxx_ctrl.c); it never waits for the firmware.  Everything else the
 * PCI core asks of the driver is handed to the controller layer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <scsi/scsi_host.h>

#include "acxxx.h"

static char *stage = "full";
module_param(stage, charp, 0444);
MODULE_PARM_DESC(stage,
		 "bring-up stage for new platforms: null (no hardware I/O), single (one command at a time) or full (default)");

static enum acxxx_stage acxxx_stage;

/* Allocations of the control block tried before giving up (3.2). */
#define ACXXX_CTL_ALLOC_TRIES	3

/* ------------------------------------------------------------------ */
/* sysfs: one value per file                                           */

/* An identity string, refreshed by every rescan under scan_mutex. */
static ssize_t acxxx_ident_show(struct acxxx_hba *hba, const char *s,
				char *buf)
{
	ssize_t n;

	mutex_lock(&hba->scan_mutex);
	n = sysfs_emit(buf, "%s\n", s);
	mutex_unlock(&hba->scan_mutex);
	return n;
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return acxxx_ident_show(hba, hba->ident.model, buf);
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return acxxx_ident_show(hba, hba->ident.serial, buf);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_version_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return acxxx_ident_show(hba, hba->ident.fw_version, buf);
}
static DEVICE_ATTR_RO(firmware_version);

static ssize_t product_id_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return acxxx_ident_show(hba, hba->ident.product_id, buf);
}
static DEVICE_ATTR_RO(product_id);

static ssize_t family_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", acxxx_dialect_name(hba->dialect));
}
static DEVICE_ATTR_RO(family);

static const char * const acxxx_stage_names[] = {
	[ACXXX_STAGE_NULL] = "null",
	[ACXXX_STAGE_SINGLE] = "single",
	[ACXXX_STAGE_FULL] = "full",
};

static ssize_t stage_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", acxxx_stage_names[hba->stage]);
}
static DEVICE_ATTR_RO(stage);

static ssize_t controller_state_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", acxxx_state_name(READ_ONCE(hba->state)));
}
static DEVICE_ATTR_RO(controller_state);

#ifdef ACXXX_BENCH
static ssize_t bench_lock_acquisitions_show(struct device *dev,
					    struct device_attribute *attr,
					    char *buf)
{
	struct acxxx_hba *hba = shost_to_hba(class_to_shost(dev));

	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&hba->bench_locks));
}
static DEVICE_ATTR_RO(bench_lock_acquisitions);
#endif

static struct attribute *acxxx_host_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_version.attr,
	&dev_attr_product_id.attr,
	&dev_attr_family.attr,
	&dev_attr_stage.attr,
	&dev_attr_controller_state.attr,
#ifdef ACXXX_BENCH
	&dev_attr_bench_lock_acquisitions.attr,
#endif
	NULL,
};

static const struct attribute_group acxxx_host_group = {
	.attrs = acxxx_host_attrs,
};

const struct attribute_group *acxxx_host_groups[] = {
	&acxxx_host_group,
	NULL,
};

/* ------------------------------------------------------------------ */
/* PCI                                                                 */

static int acxxx_alloc_ctl(struct acxxx_hba *hba)
{
	struct device *dev = &hba->pdev->dev;
	struct acxxx_layout lay;
	void *mem[ACXXX_CTL_ALLOC_TRIES] = { NULL };
	dma_addr_t dma[ACXXX_CTL_ALLOC_TRIES];
	int i, ret;

	ret = acxxx_layout_init(&lay, ACXXX_DEFAULT_SLOTS, ACXXX_MAX_SGE);
	if (ret)
		return ret;
	hba->ctl_size = lay.size;

	/*
	 * The block must not cross a 4 GiB boundary (3.2).  An allocation
	 * that does is kept until a good one is found, so the next attempt
	 * lands elsewhere.
	 */
	for (i = 0; i < ARRAY_SIZE(mem); i++) {
		mem[i] = dma_alloc_coherent(dev, lay.size, &dma[i], GFP_KERNEL);
		if (!mem[i]) {
			ret = -ENOMEM;
			break;
		}
		ret = acxxx_ctl_init(&hba->ctl, hba->dialect, &lay, mem[i],
				     dma[i]);
		if (!ret) {
			hba->ctl_mem = mem[i];
			hba->ctl_dma = dma[i];
			mem[i] = NULL;
			break;
		}
	}
	for (i = 0; i < ARRAY_SIZE(mem); i++)
		if (mem[i])
			dma_free_coherent(dev, lay.size, mem[i], dma[i]);
	if (!hba->ctl_mem)
		dev_err(dev, "no usable control memory: %pe\n", ERR_PTR(ret));
	return hba->ctl_mem ? 0 : ret ? ret : -ENOMEM;
}

static int acxxx_map_regs(struct acxxx_hba *hba)
{
	struct pci_dev *pdev = hba->pdev;
	unsigned int bar = acxxx_caps(hba->dialect)->reg_bar;
	int ret;

	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, bar) < ACXXX_REG_RAID_TYPE + 4) {
		dev_err(&pdev->dev, "BAR%u is not a usable register BAR\n", bar);
		return -ENODEV;
	}
	ret = pci_request_region(pdev, bar, ACXXX_NAME);
	if (ret)
		return ret;
	hba->regs = pci_iomap(pdev, bar, 0);
	if (!hba->regs) {
		pci_release_region(pdev, bar);
		return -ENOMEM;
	}
	return 0;
}

static void acxxx_unmap_regs(struct acxxx_hba *hba)
{
	pci_iounmap(hba->pdev, hba->regs);
	pci_release_region(hba->pdev, acxxx_caps(hba->dialect)->reg_bar);
	hba->regs = NULL;
}

static int acxxx_setup_irq(struct acxxx_hba *hba)
{
	struct pci_dev *pdev = hba->pdev;
	int ret;

	/* MSI when the device has it (16.8), shared INTx otherwise. */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	hba->irq = pci_irq_vector(pdev, 0);
	hba->irq_shared = !pdev->msi_enabled && !pdev->msix_enabled;
	ret = request_irq(hba->irq, acxxx_isr,
			  hba->irq_shared ? IRQF_SHARED : 0, ACXXX_NAME, hba);
	if (ret)
		pci_free_irq_vectors(pdev);
	return ret;
}

static void acxxx_free_irq(struct acxxx_hba *hba)
{
	free_irq(hba->irq, hba);
	pci_free_irq_vectors(hba->pdev);
}

static void acxxx_hba_init(struct acxxx_hba *hba, struct Scsi_Host *shost,
			   struct pci_dev *pdev, enum acxxx_dialect dialect)
{
	unsigned int i;

	hba->shost = shost;
	hba->pdev = pdev;
	hba->dialect = dialect;
	hba->stage = acxxx_stage;
	hba->state = ACXXX_ST_NEW;
	hba->init_read = ACXXX_INIT_NO_READ;
	spin_lock_init(&hba->lock);
	spin_lock_init(&hba->ev_lock);
	init_waitqueue_head(&hba->waitq);
	mutex_init(&hba->reset_mutex);
	mutex_init(&hba->scan_mutex);
	for (i = 0; i < ARRAY_SIZE(hba->ireq); i++) {
		mutex_init(&hba->ireq[i].mutex);
		init_completion(&hba->ireq[i].done);
	}
	for (i = 0; i < ACXXX_MAX_LUNS; i++)
		hba->lun_map[i] = ACXXX_LUN_ABSENT;
	init_completion(&hba->ready);
	acxxx_ctrl_init(hba);
	atomic_set(&hba->stat_bad_replies, 0);
	atomic_set(&hba->ireq_lost, 0);

	shost->max_channel = 0;
	shost->max_id = ACXXX_MAX_LUNS + 1;
	shost->max_lun = 1;
	shost->this_id = -1;
	/* READ(16) and WRITE(16): volumes beyond 2 TiB. */
	shost->max_cmd_len = ACXXX_MAX_CDB;
	shost->unique_id = (pdev->bus->number << 8) | pdev->devfn;
	shost->can_queue = ACXXX_DEFAULT_SLOTS - ACXXX_FIRST_IO_SLOT;
	if (hba->stage == ACXXX_STAGE_SINGLE) {
		shost->can_queue = 1;
		shost->cmd_per_lun = 1;
	}
}

static int acxxx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct Scsi_Host *shost;
	struct acxxx_hba *hba;
	int ret;

	shost = scsi_host_alloc(&acxxx_sht, sizeof(*hba));
	if (!shost)
		return -ENOMEM;
	hba = shost_to_hba(shost);
	acxxx_hba_init(hba, shost, pdev, id->driver_data);
	pci_set_drvdata(pdev, hba);

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto out_put;
	pci_save_state(pdev);

	/* The interrupt handler may queue work as soon as it is hooked. */
	ret = -ENOMEM;
	hba->wq = alloc_ordered_workqueue("%s_%d", WQ_MEM_RECLAIM, ACXXX_NAME,
					  shost->host_no);
	if (!hba->wq)
		goto out_disable;
	hba->aux_wq = alloc_workqueue("%s_aux_%d", WQ_MEM_RECLAIM | WQ_UNBOUND,
				      0, ACXXX_NAME, shost->host_no);
	if (!hba->aux_wq)
		goto out_wq;

	if (hba->stage != ACXXX_STAGE_NULL) {
		pci_set_master(pdev);
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
		if (ret)
			ret = dma_set_mask_and_coherent(&pdev->dev,
							DMA_BIT_MASK(32));
		if (ret)
			goto out_aux_wq;
		ret = acxxx_map_regs(hba);
		if (ret)
			goto out_aux_wq;
		ret = acxxx_alloc_ctl(hba);
		if (ret)
			goto out_unmap;
		/*
		 * Quiet the device before hooking the interrupt: a reply left
		 * from an earlier driver must not hit an unhandled line.
		 */
		acxxx_irq_mask(hba, false);
		ret = acxxx_setup_irq(hba);
		if (ret)
			goto out_free_ctl;
	}

	ret = scsi_add_host(shost, &pdev->dev);
	if (ret)
		goto out_irq;
	/* The disks do not need it: an adapter without it still works. */
	ret = acxxx_app_init(hba);
	if (ret)
		dev_warn(&pdev->dev, "no management interface: %pe\n",
			 ERR_PTR(ret));

	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_bringup_begin(hba, 0);
	else
		queue_delayed_work(hba->wq, &hba->bringup_work, 0);
	scsi_scan_host(shost);
	return 0;

out_irq:
	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_free_irq(hba);
out_free_ctl:
	if (hba->ctl_mem)
		dma_free_coherent(&pdev->dev, hba->ctl_size, hba->ctl_mem,
				  hba->ctl_dma);
out_unmap:
	if (hba->regs)
		acxxx_unmap_regs(hba);
out_aux_wq:
	destroy_workqueue(hba->aux_wq);
out_wq:
	destroy_workqueue(hba->wq);
out_disable:
	pci_disable_device(pdev);
out_put:
	scsi_host_put(shost);
	return ret;
}

/* After acxxx_ctrl_stop(): the works it still needed. */
static void acxxx_stop_aux_work(struct acxxx_hba *hba)
{
	cancel_delayed_work_sync(&hba->pause_work);
	acxxx_poll_stop(hba);
	cancel_delayed_work_sync(&hba->repost_work);
	cancel_work_sync(&hba->drain_work);
}

static void acxxx_remove(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);
	struct Scsi_Host *shost = hba->shost;

	/* First: a management request in progress ends while all is there. */
	acxxx_app_exit(hba);
	acxxx_ctrl_detach(hba);
	acxxx_ctrl_stop_work(hba);

	/* The midlayer flushes and removes the disks while I/O still works. */
	scsi_remove_host(shost);

	acxxx_ctrl_stop(hba);
	if (hba->stage != ACXXX_STAGE_NULL)
		acxxx_free_irq(hba);
	acxxx_stop_aux_work(hba);
	destroy_workqueue(hba->wq);
	destroy_workqueue(hba->aux_wq);
	if (hba->stage != ACXXX_STAGE_NULL) {
		pci_clear_master(pdev);
		dma_free_coherent(&pdev->dev, hba->ctl_size, hba->ctl_mem,
				  hba->ctl_dma);
		acxxx_unmap_regs(hba);
	}
	pci_disable_device(pdev);
	scsi_host_put(shost);
}

static void acxxx_shutdown(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);

	acxxx_ctrl_detach(hba);
	acxxx_ctrl_stop_work(hba);
	acxxx_ctrl_stop(hba);
	acxxx_stop_aux_work(hba);
	pci_clear_master(pdev);
}

/* ------------------------------------------------------------------ */
/* Power management and PCI error recovery                             */

static int acxxx_suspend(struct device *dev)
{
	return acxxx_ctrl_suspend(dev_get_drvdata(dev));
}

static int acxxx_resume(struct device *dev)
{
	acxxx_ctrl_resume(dev_get_drvdata(dev));
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(acxxx_pm_ops, acxxx_suspend, acxxx_resume);

static pci_ers_result_t acxxx_error_detected(struct pci_dev *pdev,
					     pci_channel_state_t state)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);

	dev_warn(&pdev->dev, "PCI error detected, channel state %d\n", state);
	if (hba->stage == ACXXX_STAGE_NULL)
		return state == pci_channel_io_perm_failure ?
		       PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_NEED_RESET;
	switch (state) {
	case pci_channel_io_normal:
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_perm_failure:
		acxxx_go_offline(hba, "permanent PCI failure");
		return PCI_ERS_RESULT_DISCONNECT;
	default:
		break;
	}
	acxxx_ctrl_pci_frozen(hba);
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t acxxx_slot_reset(struct pci_dev *pdev)
{
	struct acxxx_hba *hba = pci_get_drvdata(pdev);

	pci_restore_state(pdev);
	if (pci_enable_device_mem(pdev)) {
		dev_err(&pdev->dev, "cannot re-enable the device after reset\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	if (hba->stage != ACXXX_STAGE_NULL)
		pci_set_master(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static void acxxx_error_resume(struct pci_dev *pdev)
{
	acxxx_ctrl_pci_resume(pci_get_drvdata(pdev));
}

static const struct pci_error_handlers acxxx_err_handlers = {
	.error_detected = acxxx_error_detected,
	.slot_reset = acxxx_slot_reset,
	.resume = acxxx_error_resume,
};

#define ACXXX_ID(dev, dialect)					\
	{ PCI_DEVICE(ACXXX_PCI_VENDOR, ACXXX_PCI_DEV_##dev),		\
	  .driver_data = ACXXX_DIALECT_##dialect }

static const struct pci_device_id acxxx_pci_ids[] = {
	ACXXX_ID(6101, 341),
	ACXXX_ID(6201, 341),
	ACXXX_ID(6232, 2208),
	ACXXX_ID(6233, 2208),
	ACXXX_ID(6235, 2208),
	ACXXX_ID(6300, 2208),
	ACXXX_ID(6240, 3108),
	ACXXX_ID(6262, 3108),
	{ }
};
MODULE_DEVICE_TABLE(pci, acxxx_pci_ids);

static struct pci_driver acxxx_pci_driver = {
	.name = ACXXX_NAME,
	.id_table = acxxx_pci_ids,
	.probe = acxxx_probe,
	.remove = acxxx_remove,
	.shutdown = acxxx_shutdown,
	.err_handler = &acxxx_err_handlers,
	.driver.pm = pm_sleep_ptr(&acxxx_pm_ops),
};

static int __init acxxx_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(acxxx_stage_names); i++)
		if (sysfs_streq(stage, acxxx_stage_names[i]))
			break;
	if (i == ARRAY_SIZE(acxxx_stage_names)) {
		pr_err("unknown stage \"%s\": use null, single or full\n", stage);
		return -EINVAL;
	}
	acxxx_stage = i;
	return pci_register_driver(&acxxx_pci_driver);
}

static void __exit acxxx_exit(void)
{
	pci_unregister_driver(&acxxx_pci_driver);
}

module_init(acxxx_init);
module_exit(acxxx_exit);

MODULE_DESCRIPTION("Accusys DAS RAID host bus adapter driver");
MODULE_AUTHOR("acxxx developers");
MODULE_LICENSE("GPL");
