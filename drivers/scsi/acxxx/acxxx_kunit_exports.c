// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx: export the OS-neutral core to its KUnit suites.
 *
 * The core files stay free of Linux macros; when CONFIG_KUNIT is set the
 * core's entry points are exported here into the
 * EXPORTED_FOR_KUNIT_TESTING namespace, otherwise nothing is.
 */
#include <linux/module.h>
#include <kunit/visibility.h>

#include "acxxx_core.h"

EXPORT_SYMBOL_IF_KUNIT(acxxx_dialect_of);
EXPORT_SYMBOL_IF_KUNIT(acxxx_dialect_name);
EXPORT_SYMBOL_IF_KUNIT(acxxx_reg_bar);
EXPORT_SYMBOL_IF_KUNIT(acxxx_irq_unmask_value);
EXPORT_SYMBOL_IF_KUNIT(acxxx_layout_init);
EXPORT_SYMBOL_IF_KUNIT(acxxx_layout_check_window);
EXPORT_SYMBOL_IF_KUNIT(acxxx_ctl_init);
EXPORT_SYMBOL_IF_KUNIT(acxxx_ctl_reset);
EXPORT_SYMBOL_IF_KUNIT(acxxx_msgid_to_slot);
EXPORT_SYMBOL_IF_KUNIT(acxxx_slot_start);
EXPORT_SYMBOL_IF_KUNIT(acxxx_slot_finish);
EXPORT_SYMBOL_IF_KUNIT(acxxx_slot_active);
EXPORT_SYMBOL_IF_KUNIT(acxxx_slots_active);
EXPORT_SYMBOL_IF_KUNIT(acxxx_frame_post);
EXPORT_SYMBOL_IF_KUNIT(acxxx_free_fifo_room);
EXPORT_SYMBOL_IF_KUNIT(acxxx_cdb_is_rw);
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_scsi);
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_mgmt);
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_get_page);
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_event_switch);
EXPORT_SYMBOL_IF_KUNIT(acxxx_encode_tmf);
EXPORT_SYMBOL_IF_KUNIT(acxxx_decode_reply);
EXPORT_SYMBOL_IF_KUNIT(acxxx_decode_doorbell);
EXPORT_SYMBOL_IF_KUNIT(acxxx_init_default_params);
EXPORT_SYMBOL_IF_KUNIT(acxxx_init_begin);
EXPORT_SYMBOL_IF_KUNIT(acxxx_init_step);
EXPORT_SYMBOL_IF_KUNIT(acxxx_parse_page0);
EXPORT_SYMBOL_IF_KUNIT(acxxx_lun_diff);
EXPORT_SYMBOL_IF_KUNIT(acxxx_event_type);
EXPORT_SYMBOL_IF_KUNIT(acxxx_mgmt_check);
EXPORT_SYMBOL_IF_KUNIT(acxxx_null_exec);
