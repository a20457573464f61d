// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxx KUnit: reply descriptors, reply frames, sense and residual.
 */
#include "acxxx_test.h"

#define IO_SLOT		20
#define FRAME		33

static u32 addr_desc(struct acxxx_ctl *c, u16 frame)
{
	return 0x80000000U | ((u32)acxxx_frame_dma(c, frame) >> 1);
}

/* Put a READ(10) of @len bytes on IO_SLOT, as the driver would. */
static void start_read(struct kunit *test, struct acxxx_ctl *c, u32 len)
{
	u8 cdb[10] = { 0x28 };
	struct acxxx_sge seg = { 0x880000000ULL, len };
	struct acxxx_scsi_cmd cmd = {
		.cdb = cdb, .cdb_len = 10, .dir = ACXXX_CTL_DIR_READ,
		.data_len = len, .sgl = &seg, .nr_sge = 1,
	};

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_scsi(c, IO_SLOT, &cmd));
	KUNIT_ASSERT_EQ(test, 0, acxxx_slot_start(c, IO_SLOT));
}

static void post_frame(struct kunit *test, struct acxxx_ctl *c, u16 frame)
{
	u32 v;

	KUNIT_ASSERT_EQ(test, 0, acxxx_frame_post(c, frame, &v));
}

/* What the firmware writes into a reply frame for a SCSI request. */
static void fill_scsi_reply(struct acxxx_ctl *c, u16 frame, u16 slot,
			    u8 status, u8 scsi_status, u8 state, u32 xfer)
{
	struct acxxx_scsi_reply *r = acxxx_frame(c, frame);

	r->hdr.status = status;
	r->hdr.function = ACXXX_FN_SCSI_IO;
	r->hdr.msg_id = cpu_to_le32(acxxx_msgid(slot));
	r->scsi_status = scsi_status;
	r->scsi_state = state;
	r->transfer_count = cpu_to_le32(xfer);
}

static void acxxx_test_fast_reply(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_cpl cpl;

	start_read(test, &f->c, 8192);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(&f->c, IO_SLOT << 2, &cpl,
						    NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_SCSI);
	KUNIT_EXPECT_EQ(test, cpl.slot, IO_SLOT);
	KUNIT_EXPECT_TRUE(test, cpl.fast);
	KUNIT_EXPECT_EQ(test, cpl.frame, 0);
	KUNIT_EXPECT_EQ(test, cpl.reply_status, 0);
	KUNIT_EXPECT_EQ(test, cpl.scsi_status, 0);
	KUNIT_EXPECT_EQ(test, cpl.residual, 0U);
	KUNIT_EXPECT_EQ(test, cpl.data_len, 8192U);
	KUNIT_EXPECT_FALSE(test, acxxx_slot_active(&f->c, IO_SLOT));
	/* The same reply again is stale. */
	KUNIT_EXPECT_EQ(test, -EALREADY, acxxx_decode_reply(&f->c, IO_SLOT << 2,
							    &cpl, NULL, 0));
}

/*
 * The request frame lives in memory the device can write: what a reply
 * is decoded against is the host's own record of the request, so a
 * device that rewrites the frame's function or length after the post
 * changes nothing.
 */
static void acxxx_test_frame_rewritten(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_scsi_req *req;
	struct acxxx_cpl cpl;

	start_read(test, &f->c, 4096);
	req = acxxx_slot_req(&f->c, IO_SLOT);
	req->hdr.function = ACXXX_FN_MGMT;
	req->data_len = cpu_to_le32(0xFFFFFFFF);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(&f->c, IO_SLOT << 2, &cpl,
						    NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_SCSI);
	KUNIT_EXPECT_EQ(test, cpl.function, ACXXX_FN_SCSI_IO);
	KUNIT_EXPECT_EQ(test, cpl.data_len, 4096U);
	KUNIT_EXPECT_EQ(test, cpl.flags & ACXXX_CPL_F_BAD_FAST, 0);

	/* An address reply that claims the rewritten function is refused. */
	start_read(test, &f->c, 4096);
	req->hdr.function = ACXXX_FN_MGMT;
	post_frame(test, &f->c, FRAME);
	fill_scsi_reply(&f->c, FRAME, IO_SLOT, 0, 0, 0, 4096);
	((struct acxxx_reply_hdr *)acxxx_frame(&f->c, FRAME))->function =
		ACXXX_FN_MGMT;
	KUNIT_EXPECT_EQ(test, -EPROTO,
			acxxx_decode_reply(&f->c, addr_desc(&f->c, FRAME), &cpl,
					   NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.frame, FRAME);
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(&f->c, IO_SLOT));
}

struct bad_desc_case {
	const char *what;
	u32 desc;
	int want;
};

static const struct bad_desc_case bad_desc_cases[] = {
	{ "empty", 0xFFFFFFFF, -ENOENT },
	{ "zero", 0x00000000, -EINVAL },
	{ "lowbits", (IO_SLOT << 2) | 1, -EINVAL },
	{ "lowbits2", (IO_SLOT << 2) | 2, -EINVAL },
	{ "slot0-nonzero", 0x00000003, -EINVAL },
	{ "idle-slot", (IO_SLOT + 1) << 2, -EALREADY },
	{ "beyond", 512 << 2, -ERANGE },
	{ "huge", 0x7FFFFFFC, -ERANGE },
	{ "addr-zero", 0x80000000, -EFAULT },
	{ "addr-garbage", 0xDEADBEEF, -EFAULT },
};

static void bad_desc_desc(const struct bad_desc_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(bad_desc, bad_desc_cases, bad_desc_desc);

static void acxxx_test_bad_desc(struct kunit *test)
{
	const struct bad_desc_case *t = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_cpl cpl;

	start_read(test, &f->c, 512);
	KUNIT_EXPECT_EQ(test, t->want, acxxx_decode_reply(&f->c, t->desc, &cpl,
							  NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.frame, 0);
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(&f->c, IO_SLOT));
}

/* Decode an address reply for @addr_lo; 0 frames are handed back. */
static int decode_at(struct acxxx_ctl *c, u32 addr_lo)
{
	struct acxxx_cpl cpl;
	int ret;

	ret = acxxx_decode_reply(c, 0x80000000U | (addr_lo >> 1), &cpl, NULL, 0);
	if (ret && cpl.frame)
		return -EBADMSG;	/* a bad address never hands a frame back */
	return ret;
}

/* Reply addresses that are not exactly a posted reply frame. */
static void acxxx_test_bad_addr(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;
	u32 frame_lo = (u32)acxxx_frame_dma(c, FRAME);
	u32 req_lo = (u32)acxxx_slot_req_dma(c, FRAME);
	u32 end_lo = (u32)(ACXXX_TEST_DMA + 512 * 0xB00);
	struct acxxx_cpl cpl;
	u16 i;

	start_read(test, c, 512);
	for (i = 1; i <= 510; i++)
		post_frame(test, c, i);
	fill_scsi_reply(c, FRAME, IO_SLOT, 0, 0, 0, 512);

	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, frame_lo + 0x100));
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, frame_lo - 0x100));
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, req_lo));
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, frame_lo + 2));
	/* Frame 0 and frame 511 are never posted. */
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, (u32)acxxx_frame_dma(c, 0)));
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, (u32)acxxx_frame_dma(c, 511)));
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, end_lo));
	KUNIT_EXPECT_EQ(test, -EFAULT, decode_at(c, (u32)ACXXX_TEST_DMA - 0x100));
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(c, IO_SLOT));

	/* The right one completes; the same frame again is stale. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.frame, FRAME);
	KUNIT_EXPECT_EQ(test, cpl.slot, IO_SLOT);
	KUNIT_EXPECT_FALSE(test, cpl.fast);
	KUNIT_EXPECT_EQ(test, -EALREADY, decode_at(c, frame_lo));
}

/* A valid frame carrying a bad identifier: rejected, frame handed back. */
struct bad_frame_case {
	const char *what;
	u32 msg_id;
	u8 function;
	int want;
};

static const struct bad_frame_case bad_frame_cases[] = {
	{ "zero-id", 0, ACXXX_FN_SCSI_IO, -EINVAL },
	{ "misaligned", (IO_SLOT << 2) | 3, ACXXX_FN_SCSI_IO, -EINVAL },
	{ "out-of-range", 600 << 2, ACXXX_FN_SCSI_IO, -ERANGE },
	{ "not-outstanding", 100 << 2, ACXXX_FN_SCSI_IO, -EALREADY },
	{ "wrong-function", IO_SLOT << 2, ACXXX_FN_MGMT, -EPROTO },
	{ "task-mgmt-to-io", IO_SLOT << 2, ACXXX_FN_TASK_MGMT, -EPROTO },
	{ "unknown-function", IO_SLOT << 2, 0x44, -EPROTO },
};

static void bad_frame_desc(const struct bad_frame_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(bad_frame, bad_frame_cases, bad_frame_desc);

static void acxxx_test_bad_frame(struct kunit *test)
{
	const struct bad_frame_case *t = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_341, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_reply_hdr *r;
	struct acxxx_cpl cpl;

	start_read(test, &f->c, 512);
	post_frame(test, &f->c, FRAME);
	r = acxxx_frame(&f->c, FRAME);
	r->function = t->function;
	r->msg_id = cpu_to_le32(t->msg_id);
	KUNIT_EXPECT_EQ(test, t->want, acxxx_decode_reply(&f->c,
							  addr_desc(&f->c, FRAME), &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.frame, FRAME);
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(&f->c, IO_SLOT));
	post_frame(test, &f->c, FRAME);
}

static const u8 reply_statuses[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x11, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x27, 0x30, 0x7F, 0xFF,
};

static void status_desc(const u8 *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "status=0x%02x", *t);
}

KUNIT_ARRAY_PARAM(status, reply_statuses, status_desc);

static void acxxx_test_reply_status(struct kunit *test)
{
	const u8 *st = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_cpl cpl;

	start_read(test, &f->c, 4096);
	post_frame(test, &f->c, FRAME);
	fill_scsi_reply(&f->c, FRAME, IO_SLOT, *st, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(&f->c,
						    addr_desc(&f->c, FRAME), &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_SCSI);
	KUNIT_EXPECT_EQ(test, cpl.reply_status, *st);
	KUNIT_EXPECT_EQ(test, cpl.sense_len, 0U);
	KUNIT_EXPECT_FALSE(test, acxxx_slot_active(&f->c, IO_SLOT));
}

/* Sense block and residual combinations (6.6, 16.13, 16.14). */
struct sense_case {
	const char *what;
	u8 scsi_status;
	u8 state;
	u8 flags;
	u32 residual;
	u32 sense_len;
	u32 resp_len;
	u32 xfer;
	u32 sense_size;
	/* expectations */
	u32 want_resid;
	u32 want_sense;
	u32 want_sense_off;
	u8 want_flags;
};

#define LEN	4096
#define RV	ACXXX_CPL_F_RESID_VALID

static const struct sense_case sense_cases[] = {
	{ "good-full", 0, 0, 0, 0, 0, 0, LEN, 96, 0, 0, 0, 0 },
	{ "state-off-ignores-block", 0, 0, 0x0A, 100, 18, 0, LEN, 96,
	  0, 0, 0, 0 },
	{ "underrun", 0, 1, 0x08, 1024, 0, 0, 3072, 96, 1024, 0, 0, RV },
	{ "underrun-all", 0, 1, 0x08, LEN, 0, 0, 0, 96, LEN, 0, 0, RV },
	{ "underrun-no-xfer", 0, 1, 0x08, 1000, 0, 0, 0, 96, 1000, 0, 0, RV },
	{ "resid-too-big", 0, 1, 0x08, LEN + 1, 0, 0, 0, 96, LEN, 0, 0,
	  RV | ACXXX_CPL_F_RESID_CLAMPED },
	{ "resid-vs-xfer-smaller", 0, 1, 0x08, 512, 0, 0, 2048, 96, 2048, 0,
	  0, RV | ACXXX_CPL_F_RESID_MISMATCH },
	{ "resid-vs-xfer-larger", 0, 1, 0x08, 2048, 0, 0, 3584, 96, 2048, 0,
	  0, RV | ACXXX_CPL_F_RESID_MISMATCH },
	{ "xfer-short-no-resid", 0, 0, 0, 0, 0, 0, 1024, 96, 3072, 0, 0,
	  RV | ACXXX_CPL_F_RESID_MISMATCH },
	{ "xfer-over", 0, 0, 0, 0, 0, 0, LEN + 512, 96, 0, 0, 0,
	  ACXXX_CPL_F_OVERRUN },
	{ "overrun-flag", 0, 1, 0x04, 0, 0, 0, LEN, 96, 0, 0, 0,
	  ACXXX_CPL_F_OVERRUN },
	{ "check", 2, 1, 0x02, 0, 18, 0, 0, 96, 0, 18, 0, 0 },
	{ "check-resp", 2, 1, 0x03, 0, 18, 8, 0, 96, 0, 18, 8, 0 },
	{ "check-resp-huge", 2, 1, 0x03, 0, 18, 200, 0, 96, 0, 0, 48,
	  ACXXX_CPL_F_SENSE_TRUNC },
	{ "check-sense-huge", 2, 1, 0x02, 0, 0xFFFFFFFF, 0, 0, 96, 0, 48, 0,
	  ACXXX_CPL_F_SENSE_TRUNC },
	{ "check-sense-room", 2, 1, 0x03, 0, 44, 8, 0, 96, 0, 40, 8,
	  ACXXX_CPL_F_SENSE_TRUNC },
	{ "check-small-buffer", 2, 1, 0x02, 0, 32, 0, 0, 8, 0, 8, 0, 0 },
	{ "check-no-buffer", 2, 1, 0x02, 0, 32, 0, 0, 0, 0, 0, 0, 0 },
	{ "check-underrun", 2, 1, 0x0A, 512, 18, 0, 3584, 96, 512, 18, 0, RV },
	{ "sense-flag-without-state", 2, 0, 0x02, 0, 18, 0, 0, 96, 0, 0, 0, 0 },
	{ "busy", 8, 0, 0, 0, 0, 0, 0, 96, 0, 0, 0, 0 },
};

static void sense_desc(const struct sense_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(sense, sense_cases, sense_desc);

static void acxxx_test_sense(struct kunit *test)
{
	const struct sense_case *t = test->param_value;
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_sense_block *sb;
	struct acxxx_cpl cpl;
	u8 *sense;
	u32 i;

	sense = kunit_kzalloc(test, 96, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sense);
	start_read(test, &f->c, LEN);
	post_frame(test, &f->c, FRAME);
	fill_scsi_reply(&f->c, FRAME, IO_SLOT, 0, t->scsi_status, t->state,
			t->xfer);
	sb = acxxx_slot_sense(&f->c, IO_SLOT);
	sb->flags = t->flags;
	sb->residual = cpu_to_le32(t->residual);
	sb->sense_len = cpu_to_le32(t->sense_len);
	sb->resp_len = cpu_to_le32(t->resp_len);
	for (i = 0; i < sizeof(sb->data); i++)
		sb->data[i] = 0x80 + i;

	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(&f->c,
						    addr_desc(&f->c, FRAME), &cpl,
			t->sense_size ? sense : NULL, t->sense_size));
	KUNIT_EXPECT_EQ(test, cpl.scsi_status, t->scsi_status);
	KUNIT_EXPECT_EQ(test, cpl.residual, t->want_resid);
	KUNIT_EXPECT_EQ(test, cpl.sense_len, t->want_sense);
	KUNIT_EXPECT_EQ(test, cpl.flags, t->want_flags);
	KUNIT_EXPECT_EQ(test, cpl.transfer_count, t->xfer);
	for (i = 0; i < t->want_sense; i++)
		KUNIT_EXPECT_EQ(test, sense[i], 0x80 + t->want_sense_off + i);
	for (; i < 96; i++)
		KUNIT_EXPECT_EQ(test, sense[i], 0);
}

static void acxxx_test_events(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_2208, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;
	struct acxxx_event_reply *r;
	struct acxxx_cpl cpl;

	start_read(test, c, 512);
	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_event_switch(c, ACXXX_SLOT_EVSW,
							   true));
	KUNIT_ASSERT_EQ(test, 0, acxxx_slot_start(c, ACXXX_SLOT_EVSW));

	/* An unsolicited event whose identifier is garbage. */
	post_frame(test, c, FRAME);
	r = acxxx_frame(c, FRAME);
	r->hdr.function = ACXXX_FN_EVENT_SWITCH;
	r->hdr.msg_id = cpu_to_le32(0xDEADBEEF);
	r->data[0] = ACXXX_EVT_LUN_CHANGE;
	r->data[31] = 0x31;
	r->data[32] = 0x32;
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_EVENT);
	KUNIT_EXPECT_EQ(test, cpl.slot, 0);
	KUNIT_EXPECT_EQ(test, cpl.frame, FRAME);
	KUNIT_EXPECT_EQ(test, cpl.event_code, ACXXX_EVT_LUN_CHANGE);
	KUNIT_EXPECT_EQ(test, cpl.event[31], 0x31);

	/* An event carrying an outstanding SCSI request's id: still an event. */
	post_frame(test, c, FRAME);
	r->hdr.function = ACXXX_FN_EVENT_SWITCH;
	r->hdr.msg_id = cpu_to_le32(IO_SLOT << 2);
	r->data[0] = ACXXX_EVT_LUN_CHANGE;
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_EVENT);
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(c, IO_SLOT));

	/* A LUN change carrying the switch request's id is not its ack. */
	post_frame(test, c, FRAME);
	r->hdr.function = ACXXX_FN_EVENT_SWITCH;
	r->hdr.msg_id = cpu_to_le32(ACXXX_SLOT_EVSW << 2);
	r->data[0] = ACXXX_EVT_LUN_CHANGE;
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_EVENT);
	KUNIT_EXPECT_TRUE(test, acxxx_slot_active(c, ACXXX_SLOT_EVSW));

	/* The acknowledgment. */
	post_frame(test, c, FRAME);
	r->hdr.function = ACXXX_FN_EVENT_SWITCH;
	r->hdr.msg_id = cpu_to_le32(ACXXX_SLOT_EVSW << 2);
	r->data[0] = ACXXX_EVT_SWITCH_DONE;
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_EVSW);
	KUNIT_EXPECT_EQ(test, cpl.slot, ACXXX_SLOT_EVSW);
	KUNIT_EXPECT_FALSE(test, acxxx_slot_active(c, ACXXX_SLOT_EVSW));

	/* A failed switch request completes it too. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_slot_start(c, ACXXX_SLOT_EVSW));
	post_frame(test, c, FRAME);
	r->hdr.function = ACXXX_FN_EVENT_SWITCH;
	r->hdr.status = ACXXX_RS_INVALID_FUNCTION;
	r->hdr.msg_id = cpu_to_le32(ACXXX_SLOT_EVSW << 2);
	r->data[0] = 0;
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_EVSW);
	KUNIT_EXPECT_EQ(test, cpl.reply_status, ACXXX_RS_INVALID_FUNCTION);
}

static void acxxx_test_mgmt_tmf_reply(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_341, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_ctl *c = &f->c;
	struct acxxx_mgmt_reply *m;
	struct acxxx_tmf_reply *t;
	struct acxxx_cpl cpl;

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_get_page(c, ACXXX_SLOT_MGMT, 0));
	KUNIT_ASSERT_EQ(test, 0, acxxx_slot_start(c, ACXXX_SLOT_MGMT));
	post_frame(test, c, FRAME);
	m = acxxx_frame(c, FRAME);
	m->hdr.function = ACXXX_FN_MGMT;
	m->hdr.status = ACXXX_RS_MGMT_ILLEGAL;
	m->hdr.msg_id = cpu_to_le32(ACXXX_SLOT_MGMT << 2);
	m->error = cpu_to_le16(0x1234);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_MGMT);
	KUNIT_EXPECT_EQ(test, cpl.reply_status, ACXXX_RS_MGMT_ILLEGAL);
	KUNIT_EXPECT_EQ(test, cpl.mgmt_error, 0x1234);

	KUNIT_ASSERT_EQ(test, 0, acxxx_encode_tmf(c, ACXXX_SLOT_TMF,
						  ACXXX_TMF_LUN_RESET, 2, 0));
	KUNIT_ASSERT_EQ(test, 0, acxxx_slot_start(c, ACXXX_SLOT_TMF));
	post_frame(test, c, FRAME);
	t = acxxx_frame(c, FRAME);
	t->hdr.function = ACXXX_FN_TASK_MGMT;
	t->hdr.msg_id = cpu_to_le32(ACXXX_SLOT_TMF << 2);
	t->task_type = ACXXX_TMF_LUN_RESET;
	t->terminated = cpu_to_le32(17);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, addr_desc(c, FRAME),
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_TMF);
	KUNIT_EXPECT_EQ(test, cpl.tmf_type, ACXXX_TMF_LUN_RESET);
	KUNIT_EXPECT_EQ(test, cpl.tmf_terminated, 17U);

	/* A fast reply to a management request: completed, as a failure. */
	KUNIT_ASSERT_EQ(test, 0, acxxx_slot_start(c, ACXXX_SLOT_MGMT));
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(c, ACXXX_SLOT_MGMT << 2,
						    &cpl, NULL, 0));
	KUNIT_EXPECT_EQ(test, cpl.kind, ACXXX_CPL_MGMT);
	KUNIT_EXPECT_NE(test, cpl.reply_status, 0);
	KUNIT_EXPECT_TRUE(test, cpl.flags & ACXXX_CPL_F_BAD_FAST);
	KUNIT_EXPECT_FALSE(test, acxxx_slot_active(c, ACXXX_SLOT_MGMT));
}

struct db_case {
	u32 value;
	u32 ack;
	bool restart, flush, pause, resume, gone;
	u32 unknown;
};

static const struct db_case db_cases[] = {
	{ 0x00000000, 0, false, false, false, false, false, 0 },
	{ 0x00000001, 0, false, false, false, false, false, 0 },
	{ 0x00000002, 0x02, true, false, false, false, false, 0 },
	{ 0x00000005, 0x04, false, true, false, false, false, 0 },
	{ 0x00000008, 0x08, false, false, true, false, false, 0 },
	{ 0x00000010, 0x10, false, false, false, true, false, 0 },
	{ 0x0000001E, 0x1E, true, true, true, true, false, 0 },
	{ 0x80000100, 0x80000100, false, false, false, false, false,
	  0x80000100 },
	{ 0xFFFFFFFF, 0, false, false, false, false, true, 0 },
};

static void db_desc(const struct db_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "0x%08x", t->value);
}

KUNIT_ARRAY_PARAM(db, db_cases, db_desc);

static void acxxx_test_doorbell(struct kunit *test)
{
	const struct db_case *t = test->param_value;
	struct acxxx_doorbell db;

	acxxx_decode_doorbell(t->value, &db);
	KUNIT_EXPECT_EQ(test, db.ack, t->ack);
	KUNIT_EXPECT_EQ(test, db.restart_soon, t->restart);
	KUNIT_EXPECT_EQ(test, db.flush, t->flush);
	KUNIT_EXPECT_EQ(test, db.pause, t->pause);
	KUNIT_EXPECT_EQ(test, db.resume, t->resume);
	KUNIT_EXPECT_EQ(test, db.gone, t->gone);
	KUNIT_EXPECT_EQ(test, db.unknown, t->unknown);
}

struct verdict_case {
	const char *what;
	u8 status;
	u8 scsi_status;
	u8 state;
	u8 flags;
	u32 sense_len;
	u32 residual;
	u8 host;
	u8 sam;
	u32 want_resid;
	bool rejected;
};

#define V_RV	ACXXX_CPL_F_RESID_VALID

static const struct verdict_case verdict_cases[] = {
	{ "good", 0x00, 0, 0, 0, 0, 0, ACXXX_HOST_OK, 0, 0, false },
	{ "good-resid", 0x00, 0, 0, V_RV, 0, 512, ACXXX_HOST_OK, 0, 512, false },
	{ "resid-not-valid", 0x00, 0, 0, 0, 0, 512, ACXXX_HOST_OK, 0, 0, false },
	{ "check", 0x00, 0x02, 1, 0, 18, 0, ACXXX_HOST_OK, 0x02, 0, false },
	{ "reservation", 0x00, 0x18, 0, 0, 0, 0, ACXXX_HOST_OK, 0x18, 0, false },
	{ "no-status", 0x00, 0, ACXXX_SSTATE_NO_STATUS, 0, 0, 0,
	  ACXXX_HOST_ERROR, 0, 0, false },
	{ "overrun", 0x00, 0, 0, ACXXX_CPL_F_OVERRUN, 0, 0,
	  ACXXX_HOST_ERROR, 0, 0, false },
	{ "recovered-sense", 0x21, 0, 1, 0, 18, 0, ACXXX_HOST_OK, 0x02, 0, false },
	{ "recovered-nosense", 0x21, 0, 0, 0, 0, 0, ACXXX_HOST_ERROR, 0, 0, false },
	{ "recovered-status", 0x21, 0x02, 1, V_RV, 18, 8, ACXXX_HOST_OK, 0x02, 8,
	  false },
	{ "0x23-sense", 0x23, 0, 1, 0, 18, 0, ACXXX_HOST_OK, 0x02, 0, false },
	{ "0x24-nosense", 0x24, 0, 0, 0, 0, 0, ACXXX_HOST_ERROR, 0, 0, false },
	{ "busy", 0x02, 0, 0, 0, 0, 0, ACXXX_HOST_OK, 0x08, 0, false },
	{ "no-resources", 0x05, 0, 0, 0, 0, 0, ACXXX_HOST_OK, 0x28, 0, false },
	{ "no-device", 0x22, 0, 0, 0, 0, 0, ACXXX_HOST_NO_CONNECT, 0, 0, false },
	{ "terminated", 0x27, 0, 0, 0, 0, 0, ACXXX_HOST_RETRY, 0, 0, false },
	{ "invalid-function", 0x01, 0, 0, 0, 0, 0, ACXXX_HOST_OK, 0x02, 0, true },
	{ "invalid-bdl", 0x03, 0, 0, 0, 0, 0, ACXXX_HOST_ERROR, 0, 0, true },
	{ "internal", 0x04, 0, 0, 0, 0, 0, ACXXX_HOST_ERROR, 0, 0, true },
	{ "invalid-field", 0x06, 0, 0, 0, 0, 0, ACXXX_HOST_OK, 0x02, 0, true },
	{ "mgmt-illegal", 0x11, 0, 0, 0, 0, 0, ACXXX_HOST_OK, 0x02, 0, true },
	{ "data-error", 0x25, 0x02, 1, 0, 18, 0, ACXXX_HOST_ERROR, 0, 0, true },
	{ "tmf-failed", 0x30, 0, 0, 0, 0, 0, ACXXX_HOST_ERROR, 0, 0, true },
	{ "undefined", 0x99, 0, 0, 0, 0, 0, ACXXX_HOST_ERROR, 0, 0, false },
};

static void verdict_desc(const struct verdict_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(verdict, verdict_cases, verdict_desc);

/* The Linux result mapping of docs/decisions.md, reply status by status. */
static void acxxx_test_scsi_verdict(struct kunit *test)
{
	const struct verdict_case *t = test->param_value;
	struct acxxx_cpl cpl = {
		.kind = ACXXX_CPL_SCSI, .reply_status = t->status,
		.scsi_status = t->scsi_status, .scsi_state = t->state,
		.flags = t->flags, .sense_len = t->sense_len,
		.residual = t->residual, .data_len = 4096,
	};
	struct acxxx_verdict v;

	memset(&v, 0xA5, sizeof(v));
	acxxx_scsi_verdict(&cpl, &v);
	KUNIT_EXPECT_EQ(test, v.host, t->host);
	KUNIT_EXPECT_EQ(test, v.sam_status, t->sam);
	KUNIT_EXPECT_EQ(test, v.residual, t->want_resid);
	KUNIT_EXPECT_EQ(test, v.rejected, t->rejected);
	KUNIT_EXPECT_EQ(test, v.build_sense,
			t->host == ACXXX_HOST_OK && t->sam == 0x02 &&
			!t->sense_len);
	KUNIT_EXPECT_EQ(test, v.undefined, t->status == 0x99);
}

/*
 * The outcome each reply status of 6.5 must get, by kind: what the midlayer
 * does with the command (docs/decisions.md "Result mapping").
 */
enum verdict_kind { VK_OK, VK_RETRY, VK_SENSE, VK_NO_CONNECT };

static const struct {
	u8 status;
	u8 kind;
	u8 asc;
} defined_statuses[] = {
	{ ACXXX_RS_SUCCESS, VK_OK, 0 },
	{ ACXXX_RS_INVALID_FUNCTION, VK_SENSE, 0x20 },
	{ ACXXX_RS_BUSY, VK_RETRY, 0 },
	{ ACXXX_RS_INVALID_BDL, VK_RETRY, 0 },
	{ ACXXX_RS_INTERNAL_ERROR, VK_RETRY, 0 },
	{ ACXXX_RS_NO_RESOURCES, VK_RETRY, 0 },
	{ ACXXX_RS_INVALID_FIELD, VK_SENSE, 0x24 },
	{ ACXXX_RS_MGMT_ILLEGAL, VK_SENSE, 0x20 },
	{ ACXXX_RS_RECOVERED, VK_OK, 0 },
	{ ACXXX_RS_NO_DEVICE, VK_NO_CONNECT, 0 },
	{ ACXXX_RS_OVERRUN, VK_OK, 0 },
	{ ACXXX_RS_UNDER_OVERRUN, VK_OK, 0 },
	{ ACXXX_RS_DATA_ERROR, VK_RETRY, 0 },
	{ ACXXX_RS_TERMINATED, VK_RETRY, 0 },
	{ ACXXX_RS_TMF_FAILED, VK_RETRY, 0 },
};

/*
 * Every reply status the specification defines has its own deliberate
 * outcome: none falls into the default branch, each one is a retry, a
 * failure with sense data, no connection, or (success and the SCSI-level
 * statuses, given a SCSI status with sense) the device's own status.
 * Every other value of the byte is the default branch.
 */
static void acxxx_test_verdict_every_status(struct kunit *test)
{
	struct acxxx_verdict v;
	struct acxxx_cpl cpl;
	unsigned int i, s;
	bool defined;

	for (s = 0; s < 256; s++) {
		defined = false;
		for (i = 0; i < ARRAY_SIZE(defined_statuses); i++)
			if (defined_statuses[i].status == s)
				defined = true;
		memset(&cpl, 0, sizeof(cpl));
		cpl.kind = ACXXX_CPL_SCSI;
		cpl.reply_status = s;
		cpl.data_len = 4096;
		memset(&v, 0xA5, sizeof(v));
		acxxx_scsi_verdict(&cpl, &v);
		KUNIT_EXPECT_EQ_MSG(test, v.undefined, !defined,
				    "reply status 0x%02x", s);
		if (!defined)
			KUNIT_EXPECT_EQ(test, v.host, ACXXX_HOST_ERROR);
	}
	for (i = 0; i < ARRAY_SIZE(defined_statuses); i++) {
		memset(&cpl, 0, sizeof(cpl));
		cpl.kind = ACXXX_CPL_SCSI;
		cpl.reply_status = defined_statuses[i].status;
		cpl.data_len = 4096;
		if (defined_statuses[i].kind == VK_OK &&
		    cpl.reply_status != ACXXX_RS_SUCCESS) {
			/* A SCSI-level status carries the device's status. */
			cpl.scsi_status = ACXXX_SAM_CHECK_CONDITION;
			cpl.scsi_state = ACXXX_SSTATE_AUTOSENSE_VALID;
			cpl.sense_len = 18;
		}
		acxxx_scsi_verdict(&cpl, &v);
		KUNIT_EXPECT_FALSE(test, v.undefined);
		switch (defined_statuses[i].kind) {
		case VK_OK:
			KUNIT_EXPECT_EQ(test, v.host, ACXXX_HOST_OK);
			KUNIT_EXPECT_EQ(test, v.sam_status, cpl.scsi_status);
			KUNIT_EXPECT_FALSE(test, v.build_sense);
			KUNIT_EXPECT_FALSE(test, v.rejected);
			break;
		case VK_RETRY:
			/* Host error, soft error, BUSY or TASK SET FULL. */
			KUNIT_EXPECT_TRUE_MSG(test,
					      v.host == ACXXX_HOST_ERROR ||
					      v.host == ACXXX_HOST_RETRY ||
					      (v.host == ACXXX_HOST_OK &&
					       (v.sam_status == ACXXX_SAM_BUSY ||
						v.sam_status ==
						ACXXX_SAM_TASK_SET_FULL)),
					      "reply status 0x%02x",
					      cpl.reply_status);
			KUNIT_EXPECT_FALSE(test, v.build_sense);
			break;
		case VK_SENSE:
			KUNIT_EXPECT_EQ(test, v.host, ACXXX_HOST_OK);
			KUNIT_EXPECT_EQ(test, v.sam_status,
					ACXXX_SAM_CHECK_CONDITION);
			KUNIT_EXPECT_TRUE(test, v.build_sense);
			KUNIT_EXPECT_EQ(test, v.sense_key,
					ACXXX_SENSE_ILLEGAL_REQUEST);
			KUNIT_EXPECT_EQ(test, v.asc, defined_statuses[i].asc);
			KUNIT_EXPECT_TRUE(test, v.rejected);
			break;
		case VK_NO_CONNECT:
			KUNIT_EXPECT_EQ(test, v.host, ACXXX_HOST_NO_CONNECT);
			break;
		}
	}
}

/* A real reply through the decoder: a short read with its residual. */
static void acxxx_test_verdict_decoded(struct kunit *test)
{
	struct acxxx_fix *f = acxxx_fix_new(test, ACXXX_DIALECT_3108, 512,
					    ACXXX_TEST_DMA);
	struct acxxx_sense_block *sb;
	struct acxxx_verdict v;
	struct acxxx_cpl cpl;

	post_frame(test, &f->c, FRAME);
	start_read(test, &f->c, 8192);
	fill_scsi_reply(&f->c, FRAME, IO_SLOT, 0, 0,
			ACXXX_SSTATE_AUTOSENSE_VALID, 4096);
	sb = acxxx_slot_sense(&f->c, IO_SLOT);
	sb->flags = ACXXX_SFLAG_RESID_UNDER;
	sb->residual = cpu_to_le32(4096);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(&f->c, addr_desc(&f->c, FRAME),
						    &cpl, NULL, 0));
	acxxx_scsi_verdict(&cpl, &v);
	KUNIT_EXPECT_EQ(test, v.host, ACXXX_HOST_OK);
	KUNIT_EXPECT_EQ(test, v.sam_status, 0);
	KUNIT_EXPECT_EQ(test, v.residual, 4096U);

	/* The fast reply of a success: good, nothing missing. */
	start_read(test, &f->c, 8192);
	KUNIT_ASSERT_EQ(test, 0, acxxx_decode_reply(&f->c, IO_SLOT << 2, &cpl,
						    NULL, 0));
	acxxx_scsi_verdict(&cpl, &v);
	KUNIT_EXPECT_EQ(test, v.host, ACXXX_HOST_OK);
	KUNIT_EXPECT_EQ(test, v.residual, 0U);
}

struct tmf_case {
	const char *what;
	int err;
	u8 status;
	u8 kind;
	u8 sent;
	u8 echoed;
	u32 terminated;
	bool outstanding;
	int want;
};

static const struct tmf_case tmf_cases[] = {
	{ "abort-done", 0, 0, ACXXX_CPL_TMF, 1, 1, 1, true, ACXXX_TMF_RES_DONE },
	{ "abort-nothing", 0, 0, ACXXX_CPL_TMF, 1, 1, 0, true,
	  ACXXX_TMF_RES_FAILED },
	{ "abort-completed", 0, 0, ACXXX_CPL_TMF, 1, 1, 0, false,
	  ACXXX_TMF_RES_COMPLETED },
	{ "abort-timeout", -ETIMEDOUT, 0, 0, 1, 0, 0, true,
	  ACXXX_TMF_RES_FAILED },
	{ "abort-gone", -ENODEV, 0, 0, 1, 0, 0, false, ACXXX_TMF_RES_FAILED },
	{ "unsupported", 0, 0x01, ACXXX_CPL_TMF, 1, 1, 0, true,
	  ACXXX_TMF_RES_UNSUPPORTED },
	{ "tmf-failed", 0, 0x30, ACXXX_CPL_TMF, 1, 1, 1, true,
	  ACXXX_TMF_RES_FAILED },
	{ "fast-reply", 0, 0x04, ACXXX_CPL_TMF, 1, 0, 0, true,
	  ACXXX_TMF_RES_FAILED },
	{ "other-type", 0, 0, ACXXX_CPL_TMF, 3, 1, 1, true,
	  ACXXX_TMF_RES_FAILED },
	{ "lun-reset", 0, 0, ACXXX_CPL_TMF, 3, 3, 0, false, ACXXX_TMF_RES_DONE },
	{ "target-reset", 0, 0, ACXXX_CPL_TMF, 4, 4, 7, false,
	  ACXXX_TMF_RES_DONE },
	{ "reset-refused", 0, 0x30, ACXXX_CPL_TMF, 4, 4, 0, false,
	  ACXXX_TMF_RES_FAILED },
};

static void tmf_desc(const struct tmf_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->what);
}

KUNIT_ARRAY_PARAM(tmf, tmf_cases, tmf_desc);

static void acxxx_test_tmf_verdict(struct kunit *test)
{
	const struct tmf_case *t = test->param_value;
	struct acxxx_cpl cpl = {
		.kind = t->kind, .reply_status = t->status,
		.tmf_type = t->echoed, .tmf_terminated = t->terminated,
	};

	KUNIT_EXPECT_EQ(test, t->want,
			acxxx_tmf_verdict(t->err, &cpl, t->sent,
					  t->outstanding));
}

static struct kunit_case acxxx_reply_cases[] = {
	KUNIT_CASE_PARAM(acxxx_test_scsi_verdict, verdict_gen_params),
	KUNIT_CASE(acxxx_test_verdict_every_status),
	KUNIT_CASE(acxxx_test_verdict_decoded),
	KUNIT_CASE_PARAM(acxxx_test_tmf_verdict, tmf_gen_params),
	KUNIT_CASE(acxxx_test_fast_reply),
	KUNIT_CASE(acxxx_test_frame_rewritten),
	KUNIT_CASE_PARAM(acxxx_test_bad_desc, bad_desc_gen_params),
	KUNIT_CASE(acxxx_test_bad_addr),
	KUNIT_CASE_PARAM(acxxx_test_bad_frame, bad_frame_gen_params),
	KUNIT_CASE_PARAM(acxxx_test_reply_status, status_gen_params),
	KUNIT_CASE_PARAM(acxxx_test_sense, sense_gen_params),
	KUNIT_CASE(acxxx_test_events),
	KUNIT_CASE(acxxx_test_mgmt_tmf_reply),
	KUNIT_CASE_PARAM(acxxx_test_doorbell, db_gen_params),
	{}
};

struct kunit_suite acxxx_reply_suite = {
	.name = "acxxx_reply",
	.test_cases = acxxx_reply_cases,
};
