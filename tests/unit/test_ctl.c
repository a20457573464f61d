// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/*
 * The control protocol: acxemu_ctl_exec() directly, and the acxxx-emu
 * program with its control socket and client mode.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"
#include "suites.h"

static char out[16384];

static int ctl(struct host *h, const char *line)
{
	return acxemu_ctl_exec(h->emu, line, out, sizeof(out));
}

static void expect_ok(struct host *h, const char *line)
{
	ctl(h, line);
	ck_assert_msg(!strncmp(out, "ok", 2), "'%s' -> '%s'", line, out);
	ck_assert_ptr_null(strchr(out, '\n'));
}

static void expect_err(struct host *h, const char *line)
{
	ctl(h, line);
	ck_assert_msg(!strncmp(out, "err ", 4), "'%s' -> '%s'", line, out);
}

START_TEST(t_ctl_basics)
{
	struct host h;

	host_init(&h, 0x6233, NULL);
	expect_ok(&h, "help");
	expect_ok(&h, "info");
	ck_assert_ptr_nonnull(strstr(out, "device=6233 family=2208"));
	ck_assert_ptr_nonnull(strstr(out, "serial=\"UNITSERIAL000042\""));
	ck_assert_ptr_nonnull(strstr(out, "model=\"ACS6x 2208 RAID\""));
	expect_err(&h, "bogus");
	ck_assert_ptr_nonnull(strstr(out, "unknown command"));
	expect_err(&h, "");
	expect_err(&h, "   ");
	expect_err(&h, "stats extra");
	ck_assert_int_eq(ctl(&h, "quit"), 1);
	ck_assert_str_eq(out, "ok bye");
	host_fini(&h);
}
END_TEST

START_TEST(t_ctl_event)
{
	struct done d;
	struct host h;

	host_init(&h, 0x6201, NULL);
	host_start(&h);
	expect_err(&h, "event 0x42");
	ck_assert_ptr_nonnull(strstr(out, "switched off"));
	host_event_switch(&h, 3, true, &d);
	expect_err(&h, "event");
	expect_err(&h, "event 0x100");
	expect_err(&h, "event 0x42 zz");
	expect_ok(&h, "event 0x42 7 0x99");
	host_run(&h);
	ck_assert(host_reap(&h, &d));
	ck_assert_uint_eq(d.frame[8], 0x42);
	ck_assert_uint_eq(d.frame[9], 7);
	ck_assert_uint_eq(d.frame[10], 0x99);
	host_return_frame(&h, &d);
	/* management requests are counted by opcode */
	ck_assert_uint_eq(host_get_page(&h, 4, 0, &d), 0);
	expect_ok(&h, "stats");
	ck_assert_ptr_nonnull(strstr(out, " mgmt_0x01="));
	ck_assert_ptr_nonnull(strstr(out, " fw_update_bytes=0"));
	host_fini(&h);
}
END_TEST

START_TEST(t_ctl_volumes)
{
	struct host h;

	host_init(&h, 0x6201, NULL);
	expect_ok(&h, "volume list");
	ck_assert_ptr_nonnull(strstr(out, "count=2 lun=0,size=16777216,backing=mem"));
	expect_ok(&h, "volume add lun=9 mem size=1M serial=VOL9");
	ck_assert_str_eq(out, "ok lun=9");
	ck_assert_uint_eq(acxemu_volume_map(h.emu), 1ull | 1ull << 5 | 1ull << 9);
	expect_err(&h, "volume add lun=9,mem,size=1M");
	ck_assert_ptr_nonnull(strstr(out, "already present"));
	expect_ok(&h, "volume list");
	ck_assert_ptr_nonnull(strstr(out, "lun=9,size=1048576,backing=mem,serial=VOL9"));
	expect_ok(&h, "volume remove lun=9");
	expect_err(&h, "volume remove lun=9");
	expect_err(&h, "volume remove");
	expect_err(&h, "volume add lun=70 mem size=1M");
	expect_err(&h, "volume add lun=3 size=1M");
	expect_err(&h, "volume add lun=3 mem");
	expect_err(&h, "volume add lun=3 mem size=1000");
	expect_err(&h, "volume add lun=3 mem size=1M color=red");
	expect_err(&h, "volume frob");
	host_fini(&h);
}
END_TEST

START_TEST(t_ctl_faults)
{
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 15, 0, 0, 1, 0 };
	struct done d;
	struct host h;

	host_init(&h, 0x6262, NULL);
	host_start(&h);
	expect_ok(&h,
		  "fault add action=sense op=0x28 lun=0 lba=10-20 key=3 asc=0x11 ascq=0 count=2");
	ck_assert_str_eq(out, "ok id=1");
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 512, &d);
	expect_sense(&d, 0x03, 0x11, 0x00, false, 0);
	expect_ok(&h, "fault list");
	ck_assert_str_eq(out,
			 "ok count=1 id=1,action=sense,fn=scsi,op=0x28,lun=0,lba=10-20,key=0x3,asc=0x11,ascq=0x00,nth=1,count=2,seen=1,fired=1");
	expect_ok(&h, "fault add action=delay ms=5 fn=any nth=2");
	expect_ok(&h, "fault add action=fail status=0x04 fn=mgmt");
	expect_ok(&h, "fault add action=drop fn=tmf lba=7");
	expect_ok(&h, "fault list");
	ck_assert_ptr_nonnull(strstr(out, "count=4 "));
	ck_assert_ptr_nonnull(strstr(out, "action=delay,fn=any,ms=5,nth=2"));
	ck_assert_ptr_nonnull(strstr(out, "action=fail,fn=mgmt,status=0x04"));
	ck_assert_ptr_nonnull(strstr(out, "action=drop,fn=tmf,lba=7-7"));
	expect_ok(&h, "fault del 1");
	expect_err(&h, "fault del 1");
	expect_err(&h, "fault add action=bogus");
	expect_err(&h, "fault add op=0x28");
	expect_err(&h, "fault add action=fail op=300");
	expect_err(&h, "fault add action=fail lba=9-3");
	expect_err(&h, "fault add action=fail nope=1");
	expect_err(&h, "fault add action=fail justaword");
	expect_ok(&h, "fault clear");
	expect_ok(&h, "fault list");
	ck_assert_str_eq(out, "ok count=0");

	expect_ok(&h, "medium add lun=0 lba=15 rw=r");
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 512, &d);
	expect_sense(&d, 0x03, 0x11, 0x00, true, 15);
	expect_ok(&h, "medium clear lun=0");
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 512, &d);
	ck_assert(d.fast);
	expect_err(&h, "medium add lun=0");
	expect_err(&h, "medium add lun=33 lba=1");
	expect_err(&h, "medium add lba=1");
	host_fini(&h);
}
END_TEST

START_TEST(t_ctl_state)
{
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0 };
	struct done d;
	struct host h;

	host_init(&h, 0x6232, NULL);
	expect_ok(&h, "ready hold");
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
	expect_ok(&h, "ready release");
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 1);
	host_start(&h);
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 512, &d);
	expect_ok(&h, "stats");
	ck_assert_ptr_nonnull(strstr(out, " op_0x28=1"));
	ck_assert_ptr_nonnull(strstr(out, " posts=1 "));
	ck_assert_ptr_nonnull(strstr(out, " replies_fast=1 "));
	ck_assert_ptr_nonnull(strstr(out, " bytes_read=512 "));
	ck_assert_ptr_nonnull(strstr(out, " rej_no_lun=0"));
	ck_assert_ptr_nonnull(strstr(out, " scratch2=0x00010000"));
	expect_ok(&h, "notify restart");
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_RESTART_SOON);
	expect_err(&h, "notify sideways");
	expect_ok(&h, "flush");
	expect_err(&h, "hang forever");
	expect_ok(&h, "hang recoverable");
	ck_assert_uint_eq(rd(&h, ACXXX_REG_SCRATCH1), 0);
	expect_ok(&h, "powerloss");
	ck_assert(acxemu_is_dead(h.emu));
	expect_ok(&h, "info");
	ck_assert_ptr_nonnull(strstr(out, "dead=1"));
	expect_err(&h, "notify resume");
	host_fini(&h);
}
END_TEST

/* ones after-reset=N: checked, then armed for the next reset. */
START_TEST(t_ctl_ones)
{
	struct host h;

	host_init(&h, 0x6240, NULL);
	host_start(&h);
	expect_err(&h, "ones");
	expect_err(&h, "ones after-reset=");
	expect_err(&h, "ones after-reset=x");
	expect_err(&h, "ones after-reset=1001");
	expect_err(&h, "ones now=2");
	expect_ok(&h, "ones after-reset=2");
	ck_assert_ptr_nonnull(strstr(out, "reads=2"));
	ck_assert_uint_ne(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	ck_assert_uint_ne(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	/* Disarmed by 0. */
	expect_ok(&h, "ones after-reset=5");
	expect_ok(&h, "ones after-reset=0");
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	ck_assert_uint_ne(rd(&h, ACXXX_REG_OUT_INT_MASK), ACXXX_EMPTY);
	host_fini(&h);
}
END_TEST

/*
 * ready hold after=N, ready state, reply repeat: what the fault suite's
 * reinit-window scenario holds a re-init handshake with.
 */
START_TEST(t_ctl_reinit_window)
{
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0 };
	struct done d;
	struct host h;

	host_init(&h, 0x6240, NULL);
	expect_err(&h, "reply repeat");
	ck_assert_ptr_nonnull(strstr(out, "no reply"));
	expect_err(&h, "ready hold after=x");
	expect_err(&h, "ready hold after=");
	host_start(&h);
	host_cmd(&h, 0, cdb, 10, ACXXX_CTL_DIR_READ, DATA_HI_BASE, 512, &d);
	expect_ok(&h, "ready state");
	ck_assert_ptr_nonnull(strstr(out, "handshake=ready hold=0 "));
	ck_assert_ptr_nonnull(strstr(out, " replies=0"));
	ck_assert_ptr_nonnull(strstr(out, " registrations=1"));

	/* The next handshake completes, the one after it is held. */
	expect_ok(&h, "ready hold after=1");
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_READY);
	wr(&h, ACXXX_REG_OUT_DOORBELL_CLR, ACXXX_ODB_READY);
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_RESET);
	wr(&h, ACXXX_REG_IN_DOORBELL, ACXXX_IDB_HIADDR | 1);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), 0);
	expect_ok(&h, "ready state");
	ck_assert_ptr_nonnull(strstr(out, "handshake=registered hold=1 "));
	ck_assert_ptr_nonnull(strstr(out, " registrations=3"));

	/* A late reply and a notification, visible until ready. */
	expect_ok(&h, "reply repeat");
	ck_assert_ptr_nonnull(strstr(out, "desc=0x"));
	expect_ok(&h, "notify pause");
	expect_ok(&h, "ready state");
	ck_assert_ptr_nonnull(strstr(out, " doorbell=0x00000008 "));
	ck_assert_ptr_nonnull(strstr(out, " replies=1"));
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL), ACXXX_ODB_PAUSE);

	/* Ready: the firmware's reset is over, the late reply is gone. */
	expect_ok(&h, "ready release");
	ck_assert_uint_eq(rd(&h, ACXXX_REG_OUT_DOORBELL),
			  ACXXX_ODB_READY | ACXXX_ODB_PAUSE);
	ck_assert_uint_eq(rd(&h, ACXXX_REG_REPLY_PORT), ACXXX_EMPTY);
	expect_ok(&h, "ready state");
	ck_assert_ptr_nonnull(strstr(out, "handshake=ready hold=0 "));
	ck_assert_ptr_nonnull(strstr(out, " replies=0"));

	/* While running, a repeated reply is simply queued again. */
	expect_ok(&h, "reply repeat");
	ck_assert_uint_ne(rd(&h, ACXXX_REG_REPLY_PORT), ACXXX_EMPTY);
	host_fini(&h);
}
END_TEST

START_TEST(t_ctl_341_no_doorbells)
{
	struct host h;

	host_init(&h, 0x6101, NULL);
	expect_err(&h, "notify pause");
	ck_assert_ptr_nonnull(strstr(out, "341"));
	host_fini(&h);
}
END_TEST

/*
 * On the 341 every HOST_MSG0 write is a registration, the detach's too
 * (16.11): reinit-window counts them to tell the bring-up's handshake
 * from the one the module's unload started.
 */
START_TEST(t_ctl_341_registrations)
{
	struct host h;

	host_init(&h, 0x6201, NULL);
	host_start(&h);
	expect_ok(&h, "ready state");
	ck_assert_ptr_nonnull(strstr(out, " registrations=1"));
	expect_ok(&h, "ready hold");
	wr(&h, ACXXX_REG_OUT_INT_MASK, ACXXX_IMASK_OFF);
	wr(&h, ACXXX_REG_HOST_MSG0, 1);
	expect_ok(&h, "ready state");
	ck_assert_ptr_nonnull(strstr(out, "handshake=registered hold=1 "));
	ck_assert_ptr_nonnull(strstr(out, " registrations=2"));
	host_fini(&h);
}
END_TEST

START_TEST(t_parse_size)
{
	u64 v;

	ck_assert_int_eq(acxemu_parse_size("64M", &v), 0);
	ck_assert_uint_eq(v, 64ull << 20);
	ck_assert_int_eq(acxemu_parse_size("1G", &v), 0);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(acxemu_parse_size("512k", &v), 0);
	ck_assert_uint_eq(v, 512ull << 10);
	ck_assert_int_eq(acxemu_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(acxemu_parse_size("12x", &v), -EINVAL);
	ck_assert_int_eq(acxemu_parse_size("", &v), -EINVAL);
	ck_assert_int_eq(acxemu_parse_size("-1", &v), -EINVAL);
	ck_assert_int_eq(acxemu_parse_size("99999999999T", &v), -EINVAL);
}
END_TEST

/* The timing specification of --timing and "timing set". */
START_TEST(t_timing_parse)
{
	struct acxemu_timing t, before;
	char err[256], buf[256];

	memset(&t, 0xA5, sizeof(t));
	ck_assert_int_eq(acxemu_timing_parse("fast", &t, err, sizeof(err)), 0);
	acxemu_timing_format(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "mgmt=0+0 event=0+0 read=0+0 write=0+0 flush=0+0 other=0+0 ready=0");
	ck_assert_int_eq(acxemu_timing_parse("realistic", &t, err, sizeof(err)), 0);
	/* milliseconds for the firmware's own work, a seek for a read */
	ck_assert_uint_ge(t.lat[ACXEMU_LAT_MGMT].base_us, 1000);
	ck_assert_uint_ge(t.lat[ACXEMU_LAT_EVENT].base_us, 1000);
	ck_assert_uint_ge(t.lat[ACXEMU_LAT_FLUSH].base_us, 1000);
	ck_assert_uint_ge(t.lat[ACXEMU_LAT_READ].base_us +
			  t.lat[ACXEMU_LAT_READ].rand_us, 4000);
	ck_assert_uint_gt(t.lat[ACXEMU_LAT_READ].rand_us, 0);
	ck_assert_uint_gt(t.ready_ms, 0);
	/* overrides after a profile, units, both separators */
	ck_assert_int_eq(acxemu_timing_parse("realistic,read=2ms+500us write=7 ready=1s",
					     &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_READ].base_us, 2000);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_READ].rand_us, 500);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_WRITE].base_us, 7);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_WRITE].rand_us, 0);
	ck_assert_uint_eq(t.ready_ms, 1000);
	ck_assert_uint_ge(t.lat[ACXEMU_LAT_MGMT].base_us, 1000);
	ck_assert_int_eq(acxemu_timing_parse("ready=250", &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.ready_ms, 250);
	ck_assert_int_eq(acxemu_timing_parse("mgmt=1s+1s", &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_MGMT].base_us, 1000000);
	/* the formatted form parses back to the same timing */
	acxemu_timing_format(&t, buf, sizeof(buf));
	before = t;
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(acxemu_timing_parse(buf, &t, err, sizeof(err)), 0);
	ck_assert_mem_eq(&t, &before, sizeof(t));
	/* bad input: a clear error and nothing changed, even after good words */
	static const char *const bad[] = {
		"", "slow", "read", "read=", "read=x", "read=5x", "read=+5",
		"read=5+", "read=-1", "disk=5", "ready=1500us", "read=61s",
		"realistic,bogus=1", "read=99999999999999999999",
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		ck_assert_msg(acxemu_timing_parse(bad[i], &t, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad[i]);
		ck_assert_msg(!strncmp(err, "timing: ", 8), "'%s': '%s'", bad[i], err);
		ck_assert_mem_eq(&t, &before, sizeof(t));
	}
	ck_assert_str_eq(acxemu_lat_class_name(ACXEMU_LAT_FLUSH), "flush");
	ck_assert_ptr_null(acxemu_lat_class_name(ACXEMU_LAT_CLASSES));
}
END_TEST

static const char fast_line[] =
	"ok mgmt=0+0 event=0+0 read=0+0 write=0+0 flush=0+0 other=0+0 ready=0";

/* The control socket reads and changes the timing of a running model. */
START_TEST(t_ctl_timing)
{
	struct acxemu_timing t;
	struct host h;

	host_init(&h, 0x6240, NULL);
	expect_ok(&h, "timing");
	ck_assert_str_eq(out, fast_line);
	expect_ok(&h, "timing set realistic flush=1ms");
	ck_assert_ptr_nonnull(strstr(out, " flush=1000+0 "));
	acxemu_get_timing(h.emu, &t);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_FLUSH].base_us, 1000);
	ck_assert_uint_gt(t.lat[ACXEMU_LAT_READ].rand_us, 0);
	ck_assert_uint_gt(t.ready_ms, 0);
	expect_err(&h, "timing set read=oops");
	ck_assert_ptr_nonnull(strstr(out, "read wants BASE[+RAND]"));
	expect_err(&h, "timing set");
	expect_err(&h, "timing bogus");
	acxemu_get_timing(h.emu, &t);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_FLUSH].base_us, 1000);
	expect_ok(&h, "timing set fast");
	acxemu_get_timing(h.emu, &t);
	ck_assert_uint_eq(t.lat[ACXEMU_LAT_READ].rand_us, 0);
	ck_assert_uint_eq(t.ready_ms, 0);
	host_fini(&h);
}
END_TEST

/* ---- the program ---------------------------------------------------------- */

static const char *bin(void)
{
	const char *b = getenv("ACXEMU_BIN");

	return b && *b ? b : "../../emu/acxxx-emu";
}

/* Run a shell command line, capture its first output line; exit status. */
static int run_cmd(const char *cmd, char *line, size_t len)
{
	FILE *p = popen(cmd, "r");
	int st;

	ck_assert_ptr_nonnull(p);
	line[0] = 0;
	if (!fgets(line, len, p))
		line[0] = 0;
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(t_program_socket)
{
	char dir[] = "/tmp/acxemu-ctl-XXXXXX", sock[96], img[96], cmd[512];
	char line[4096];
	unsigned int i;
	pid_t pid;
	int st;

	ck_assert_msg(access(bin(), X_OK) == 0, "%s not built", bin());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/ctl", dir);
	snprintf(img, sizeof(img), "lun=0,file=%s/v0.img,size=8M,serial=PROGTEST",
		 dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		execl(bin(), bin(), "--device", "6235", "--volume", img,
		      "--volume", "lun=4,mem,size=1M", "--workers", "2",
		      "--socket", sock, (char *)NULL);
		_exit(127);
	}
	/* the socket appears once the model runs (bounded failure wait) */
	for (i = 0; i < 2000 && access(sock, F_OK); i++)
		usleep(10000);
	ck_assert_int_eq(access(sock, F_OK), 0);

	snprintf(cmd, sizeof(cmd), "%s --ctl %s volume list", bin(), sock);
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(strstr(line, "ok count=2 lun=0,size=8388608"));
	ck_assert_ptr_nonnull(strstr(line, "serial=PROGTEST"));
	ck_assert_ptr_nonnull(strstr(line, "lun=4,size=1048576,backing=mem"));
	snprintf(cmd, sizeof(cmd), "%s --ctl %s info", bin(), sock);
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(strstr(line, "device=6235 family=2208"));
	snprintf(cmd, sizeof(cmd), "%s --ctl %s fault add action=frob", bin(), sock);
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 1);
	ck_assert(!strncmp(line, "err ", 4));
	/* several commands on standard input, one answer line each */
	snprintf(cmd, sizeof(cmd), "printf 'fault add action=drop\\nfault list\\n"
		 "stats\\n' | %s --ctl %s | wc -l", bin(), sock);
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 0);
	ck_assert_int_eq(atoi(line), 3);
	snprintf(cmd, sizeof(cmd), "%s/v0.img", dir);
	ck_assert_int_eq(access(cmd, F_OK), 0);
	snprintf(cmd, sizeof(cmd), "%s --ctl %s quit", bin(), sock);
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ok bye\n");
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_ne(access(sock, F_OK), 0);	/* removed on exit */
	/* no server: the client says so and fails */
	snprintf(cmd, sizeof(cmd), "%s --ctl %s info 2>&1", bin(), sock);
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 2);
	/* bad options are refused with status 2 */
	snprintf(cmd, sizeof(cmd), "%s --device 1234 2>&1", bin());
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 2);
	ck_assert_ptr_nonnull(strstr(line, "unknown device id"));
	snprintf(cmd, sizeof(cmd), "%s --volume lun=1 2>&1", bin());
	ck_assert_int_eq(run_cmd(cmd, line, sizeof(line)), 2);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(t_program_sigterm)
{
	char dir[] = "/tmp/acxemu-ctl-XXXXXX", sock[96], vol[128], path[96];
	unsigned int i;
	pid_t pid;
	int st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/ctl", dir);
	snprintf(path, sizeof(path), "%s/v.img", dir);
	snprintf(vol, sizeof(vol), "lun=0,file=%s,size=1M", path);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		execl(bin(), bin(), "--device", "6101", "--volume", vol,
		      "--socket", sock, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 2000 && access(sock, F_OK); i++)
		usleep(10000);
	ck_assert_int_eq(access(sock, F_OK), 0);
	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_ne(access(sock, F_OK), 0);
	snprintf(vol, sizeof(vol), "rm -rf %s", dir);
	ck_assert_int_eq(system(vol), 0);
}
END_TEST

Suite *suite_ctl(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("ctl");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_ctl_basics);
	tcase_add_test(tc, t_ctl_event);
	tcase_add_test(tc, t_ctl_volumes);
	tcase_add_test(tc, t_ctl_faults);
	tcase_add_test(tc, t_ctl_state);
	tcase_add_test(tc, t_ctl_reinit_window);
	tcase_add_test(tc, t_ctl_ones);
	tcase_add_test(tc, t_ctl_341_no_doorbells);
	tcase_add_test(tc, t_ctl_341_registrations);
	tcase_add_test(tc, t_parse_size);
	tcase_add_test(tc, t_timing_parse);
	tcase_add_test(tc, t_ctl_timing);
	tcase_add_test(tc, t_program_socket);
	tcase_add_test(tc, t_program_sigterm);
	suite_add_tcase(s, tc);
	return s;
}
