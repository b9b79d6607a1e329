// SPDX-License-Identifier: GPL-2.0
/*
 * tests/t_scenario_parse.c - the .mms front end: every error class is
 * reported at its exact line:column with a message saying what was
 * expected; good scenarios parse; dump is canonical (parse(dump(s)) == s
 * and dump is a fixed point); the requirement's example parses as written;
 * every shipped scenario and fuzz corpus input parses or fails cleanly.
 *
 * Links only scenario/ objects. Runs in well under a second.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "tests/tap.h"

#define M "thread main:\n"
#define MAP "thread main:\n\tmmap A 8K anon\n"
#define OK "expect ok\n"

struct bad {
	const char *what; /* the property, for the TAP line */
	const char *text;
	unsigned int line, col;
	const char *frag; /* must occur in the first message */
};

static const struct bad bad[] = {
	/* observations (issue 13) */
	{ "pagemap needs ==", MAP "\tpagemap A 4K present\n" OK, 3, 15,
	  "expected '==' and pagemap flags" },
	{ "pagemap flag misspelt", MAP "\tpagemap A == presnt\n" OK, 3, 15,
	  "expected a pagemap flag" },
	{ "pagemap flag given twice",
	  MAP "\tpagemap A == present,!present\n" OK, 3, 24,
	  "given twice" },
	{ "faults on a load with a value",
	  MAP "\tload A == 1 faults\n" OK, 3, 2, "returns no value" },
	{ "same-frame of a mark never set",
	  MAP "\tsame-frame m A\n" OK, 3, 13, "never set" },
	{ "wait-exit of a process that never exits",
	  MAP "\tfork c\n\twait-exit c\nthread t in c:\n\tload A\n" OK, 4,
	  12, "never returns" },
	{ "faults is not a pin flag",
	  MAP "\tpin R A 4K read faults\n\tunpin R\n" OK, 3, 18,
	  "expected end of line or one of" },
	/* lexical */
	{ "Stray character is named", M "\tstore A $\n" OK, 2, 10, "got '$'" },
	{ "NUL byte is an error, not an end", M "\tstore A\0 1\n" OK, 2, 9,
	  "got '\\x00'" },
	{ "Bad number suffix", MAP "\tstore A 4KB\n" OK, 3, 10,
	  "expected a number" },
	{ "Hex prefix without digits", MAP "\tstore A 0x\n" OK, 3, 10,
	  "got '0x'" },
	{ "Number overflow names the limit",
	  MAP "\tstore A 0x10000000000000000\n" OK, 3, 10, "number too large" },
	{ "Suffix overflow", MAP "\tstore A 0xffffffffffffG\n" OK, 3, 10,
	  "limit 2^64-1" },
	/* statements */
	{ "Unknown op with a suggestion", MAP "\tstor A 1\n" OK, 3, 2,
	  "unknown op 'stor' (did you mean 'store'?)" },
	{ "Op outside a thread", "store A 1\n" OK, 1, 1,
	  "outside a thread block" },
	{ "Junk at top level", "hello\n" M "\texit\n" OK, 1, 1,
	  "expected config, process, thread, kthread or expect, got 'hello'" },
	{ "Line starting with a number", M "\t12\n" OK, 2, 2,
	  "expected an op, got number 12" },
	{ "Header needs a colon", "thread main\n\texit\n" OK, 1, 12,
	  "expected 'in PROCESS' or ':', got end of line" },
	{ "Header trailing junk", "thread main: x\n\texit\n" OK, 1, 14,
	  "expected end of line, got 'x'" },
	{ "kthread belongs to no process", M "\texit\nkthread k in p:\n" OK, 3,
	  11, "a kthread belongs to no process" },
	{ "Duplicate thread", M "\texit\n" M "\texit\n" OK, 3, 8,
	  "duplicate thread 'main' (first declared at 1:8)" },
	{ "process line takes no colon", "process p:\n" OK, 1, 10,
	  "'process P' declares a root process" },
	{ "init is implicit", "process init\n" OK, 1, 9,
	  "process 'init' is implicit" },
	{ "Duplicate process", "process p\nprocess p\n" OK, 2, 9,
	  "duplicate process 'p' (first declared at 1:9)" },
	{ "Missing expect at end of file", M "\texit\n", 3, 1,
	  "expected an 'expect' line" },
	{ "Missing expect, no final newline", M "\texit", 2, 6,
	  "got end of file" },
	{ "Duplicate expect", M "\texit\n" OK OK, 4, 1,
	  "duplicate 'expect' (first at 3:1)" },
	{ "Bad verdict", M "\texit\nexpect fine\n", 3, 8,
	  "expected ok, violation, deadlock or livelock, got 'fine'" },
	{ "Unknown violation kind with a suggestion",
	  M "\texit\nexpect violation lost-stor\n", 3, 18,
	  "did you mean 'lost-store'?" },
	{ "Empty file", "", 1, 1, "expected an 'expect' line" },
	{ "No threads", OK, 2, 1, "expected a thread" },
	{ "Name too long names the limit",
	  "thread aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:\n\texit\n" OK, 1, 8,
	  "thread name too long (limit 32 bytes)" },
	{ "Line too long names the limit", NULL, 2, 1025,
	  "line too long (limit 1024 bytes)" },
	/* config */
	{ "Unknown config key", "config ram=4M\n" M "\texit\n" OK, 1, 8,
	  "expected a config key" },
	{ "Config key without '='", "config mem 4M\n" M "\texit\n" OK, 1, 12,
	  "expected '=' after the config key, got number 4M" },
	{ "Duplicate config key",
	  "config mem=4M\nconfig mem=8M\n" M "\texit\n" OK, 2, 8,
	  "duplicate config key 'mem' (first set at 1:8)" },
	{ "Bad memory model names the choices",
	  "config memory=weak\n" M "\texit\n" OK, 1, 15,
	  "expected sc, tso or arm64, got 'weak'" },
	{ "Duplicate memory key",
	  "config memory=tso memory=arm64\n" M "\texit\n" OK, 1, 19,
	  "duplicate config key 'memory' (first set at 1:8)" },
	{ "Bad swap device kind names the choices",
	  "config swap_io=fast\n" M "\texit\n" OK, 1, 16,
	  "expected async or sync, got 'fast'" },
	{ "Bad THP mode", "config thp=sometimes\n" M "\texit\n" OK, 1, 12,
	  "expected always, madvise or never, got 'sometimes'" },
	{ "mem must be page aligned", "config mem=5000\n" M "\texit\n" OK, 1,
	  12, "not a multiple of the page size" },
	{ "nodes out of range", "config nodes=0\n" M "\texit\n" OK, 1, 14,
	  "nodes=0 out of range" },
	{ "mem must split into nodes",
	  "config nodes=3 mem=4M\n" M "\texit\n" OK, 1, 16,
	  "does not split into 3 nodes" },
	{ "Config only before threads", M "\texit\nconfig mem=4M\n" OK, 3, 1,
	  "'config' must come before the first thread" },
	{ "Regression named twice",
	  "config regress=placeholder-demo,cow-reuse-mapcount,"
	  "placeholder-demo\n" M "\texit\n" OK, 1, 8,
	  "regression 'placeholder-demo' named twice" },
	{ "Regression not in the catalogue",
	  "config mem=4M regress=placeholder-demo,no-such-bug\n" M
	  "\texit\n" OK, 1, 40, "unknown regression 'no-such-bug'" },
	/* operands and modifiers */
	{ "Missing value", MAP "\tstore A\n" OK, 3, 9,
	  "expected a value, got end of line" },
	{ "Missing offset after '+'", MAP "\tstore A+x 1\n" OK, 3, 10,
	  "expected an offset after '+'" },
	{ "Region name expected", MAP "\tload 0x1000\n" OK, 3, 7,
	  "expected a region name, got number 0x1000" },
	{ "Unknown flag lists the choices", MAP "\tpin R A 4K wirte\n" OK, 3,
	  13,
	  "expected end of line or one of read write fast slow longterm get, got 'wirte'" },
	{ "Pin must say read or write", MAP "\tpin R A 4K fast\n" OK, 3, 17,
	  "expected 'read' or 'write'" },
	{ "Conflicting flags", MAP "\tpin R A 4K read write\n" OK, 3, 18,
	  "flag 'write' conflicts with 'read'" },
	{ "Duplicate flag", MAP "\tpin R A 4K read fast fast\n" OK, 3, 23,
	  "duplicate flag 'fast'" },
	{ "Bad protection", MAP "\tmprotect A rwq\n" OK, 3, 13,
	  "expected a protection" },
	{ "Bad advice with a suggestion", MAP "\tmadvise A dontned\n" OK, 3, 12,
	  "did you mean 'dontneed'?" },
	{ "Key not accepted by the op", MAP "\tstore A 1 node=0\n" OK, 3, 12,
	  "expected end of line or one of faults, got 'node'" },
	{ "Duplicate key",
	  "config nodes=2\n" MAP "\tmove-pages A node=0 node=1\n" OK, 4, 22,
	  "duplicate key 'node'" },
	{ "device-migrate needs to=", MAP "\tdevice-migrate A\n" OK, 3, 18,
	  "expected to=device or to=system" },
	{ "User op in a kthread", M "\tspawn k\nkthread k:\n\tstore A 1\n" OK,
	  4, 2, "op 'store' needs a user thread; 'k' is a kthread" },
	{ "Spawn needs a name", M "\tspawn\n" OK, 2, 7,
	  "expected a thread name, got end of line" },
	/* names */
	{ "Undefined region", MAP "\tstore B 1\n" OK, 3, 8,
	  "undefined region 'B'" },
	{ "Duplicate region", MAP "\tmmap A 4K\n" OK, 3, 7,
	  "duplicate region 'A' (first mapped at 2:7)" },
	{ "Undefined pin handle", MAP "\tdma-write R 1\n" OK, 3, 12,
	  "undefined pin handle 'R'" },
	{ "Duplicate pin handle",
	  MAP "\tpin R A 4K read\n\tpin R A 4K read\n" OK, 4, 6,
	  "duplicate pin handle 'R'" },
	{ "Undefined thread in spawn", M "\tspawn t9\n" OK, 2, 8,
	  "undefined thread 't9'" },
	{ "Undefined process", M "\texit\nthread t in p:\n\texit\n" OK, 3, 13,
	  "undefined process 'p'" },
	{ "Region of another process",
	  "process p\n" M "\tload B\nthread q in p:\n\tmmap B 4K\n" OK, 3, 7,
	  "region 'B' is not mapped in process 'init'" },
	/* processes and threads */
	{ "Thread never spawned", M "\texit\nthread t:\n\texit\n" OK, 3, 8,
	  "thread 't' is never spawned" },
	{ "Thread spawned twice",
	  M "\tspawn t\n\tspawn t\nthread t:\n\texit\n" OK, 3, 2,
	  "thread 't' spawned twice (first at 2:2)" },
	{ "Initial thread cannot be spawned", M "\tspawn main\n" OK, 2, 2,
	  "initial thread of process 'init'" },
	{ "Spawn only in own process",
	  M
	  "\tfork c\n\tspawn u\nthread t in c:\n\texit\nthread u in c:\n\texit\n" OK,
	  3, 2, "it belongs to process 'c'" },
	{ "Thread with no ops", M "\tspawn t\nthread t:\n" OK, 3, 8,
	  "thread 't' has no ops" },
	{ "Root process with no threads", "process p\n" M "\texit\n" OK, 1, 9,
	  "process 'p' has no threads" },
	{ "Cannot fork a root process",
	  "process p\n" M "\tfork p\n"
	  "thread q in p:\n\texit\n" OK,
	  3, 7, "cannot fork 'p': it is a root process" },
	{ "Process forked twice", M "\tfork c\n\tfork c\n" OK, 3, 7,
	  "process 'c' forked twice (first at 2:2)" },
	{ "Fork cycle",
	  M "\texit\nthread a in c:\n\tfork d\n"
	    "thread b in d:\n\tfork c\n" OK,
	  4, 7, "fork cycle" },
	{ "Spawn cycle never starts",
	  M "\texit\nthread a:\n\tspawn b\nthread b:\n\tspawn a\n" OK, 3, 8,
	  "thread 'a' never starts" },
	/* sizes, offsets, alignment */
	{ "mmap size page aligned", M "\tmmap A 5000\n" OK, 2, 9,
	  "mmap size 0x1388 is not a multiple of the page size" },
	{ "mmap size non-zero", M "\tmmap A 0\n" OK, 2, 9,
	  "mmap size must not be zero" },
	{ "Offset beyond the region", MAP "\tstore A+0x2000 1\n" OK, 3, 8,
	  "offset 0x2000 is beyond region 'A' (size 0x2000)" },
	{ "Range past the end", MAP "\tmunmap A+0x1000 8K\n" OK, 3, 18,
	  "runs past the end of region 'A'" },
	{ "Store word aligned", MAP "\tstore A+3 1\n" OK, 3, 8,
	  "offset 0x3 into 'A' is not 8-byte aligned" },
	{ "madvise range page aligned", MAP "\tmadvise A+0x800 dontneed\n" OK,
	  3, 10, "not page (4K) aligned" },
	{ "Length multiple of the page", MAP "\tmprotect A 100 r\n" OK, 3, 13,
	  "length 0x64 is not a multiple of the page size" },
	{ "Collapse needs a whole PMD", MAP "\tcollapse A\n" OK, 3, 11,
	  "collapse needs a whole 2M range" },
	{ "DMA offset inside the pin",
	  MAP "\tpin R A 4K write\n\tdma-write R+0x1000 1\n" OK, 4, 12,
	  "offset 0x1000 is beyond pin 'R' (length 0x1000)" },
	{ "DMA writes need a write pin",
	  MAP "\tpin R A 4K read\n\tdma-write R 1\n" OK, 4, 12,
	  "dma-write through pin 'R', which is read-only" },
	{ "node= within config nodes", MAP "\tmove-pages A node=1\n" OK, 3, 20,
	  "node=1 but the scenario has 1 node" },
	{ "at= page aligned", M "\tmmap A 4K at=0x1001\n" OK, 2, 15,
	  "at=0x1001 is not a non-zero page-aligned address" },
	{ "mremap at= needs maymove", MAP "\tmremap A 16K at=0x100000\n" OK, 3,
	  2, "mremap at= needs 'maymove'" },
	{ "Device memory needed", MAP "\tdevice-migrate A to=device\n" OK, 3, 2,
	  "needs device memory (config device=SIZE)" },
	/* ordering within a thread */
	{ "Wait for nobody", M "\twait go\n" OK, 2, 7,
	  "wait for 'go', which no thread signals" },
	{ "Wait for a later signal of the same thread",
	  M "\twait go\n\tsignal go\n" OK, 2, 7,
	  "its only signal comes later in this thread" },
	{ "Op after exit", M "\texit\n\tcompact\n" OK, 3, 2,
	  "op after exit (at 2:2) never runs" },
	{ "Region used after munmap", MAP "\tmunmap A\n\tload A\n" OK, 4, 7,
	  "region 'A' used after munmap at 3:2" },
	{ "Region used after exec", MAP "\texec\n\tload A\n" OK, 4, 7,
	  "region 'A' used after exec at 3:2" },
	{ "Handle used after unpin",
	  MAP "\tpin R A 4K read\n\tunpin R\n\tdma-read R\n" OK, 5, 11,
	  "pin handle 'R' used after unpin at 4:2" },
	/* repeat blocks */
	{ "repeat needs a count", MAP "\trepeat:\n\tload A\n\tend\n" OK, 3, 8,
	  "expected a repeat count" },
	{ "repeat count at least 1", MAP "\trepeat 0:\n\tload A\n\tend\n" OK,
	  3, 2, "repeat count 0 out of range (1..4096)" },
	{ "repeat needs a colon", MAP "\trepeat 2\n\tload A\n\tend\n" OK, 3,
	  10, "expected ':' after the repeat count" },
	{ "repeat blocks do not nest",
	  MAP "\trepeat 2:\n\trepeat 2:\n\tload A\n\tend\n\tend\n" OK, 4,
	  2, "nested 'repeat' (the block at 3:2 is still open)" },
	{ "end without repeat", MAP "\tend\n" OK, 3, 2,
	  "'end' without 'repeat'" },
	{ "repeat left open", MAP "\trepeat 2:\n\tload A\n" OK, 5, 1,
	  "'repeat' at 3:2 is not closed (expected 'end')" },
	{ "empty repeat", MAP "\trepeat 2:\n\tend\n" OK, 4, 2,
	  "empty 'repeat' block" },
	{ "spawn inside repeat", MAP "\trepeat 2:\n\tspawn t\n\tend\n"
	  "thread t:\n\texit\n" OK, 4, 2,
	  "spawn inside 'repeat' would start its threads more than once" },
	{ "repeat bounded by the op limit",
	  MAP "\trepeat 4096:\n\tload A\n\tload A\n\tend\n" OK, 3, 2,
	  "too many ops (limit 4096) once 'repeat 4096' is written out" },
	{ "Unpinned twice",
	  MAP
	  "\tpin R A 4K read\n\tspawn t\n\tunpin R\nthread t:\n\tunpin R\n" OK,
	  7, 8, "pin handle 'R' unpinned twice (first at 5:2)" },
};

#define NR_BAD (int)(sizeof(bad) / sizeof(bad[0]))

static char *long_line_input(void)
{
	size_t n = strlen(M) + 2000 + strlen("\n" OK) + 1;
	char *s = malloc(n);

	strcpy(s, M);
	memset(s + strlen(M), ' ', 2000);
	strcpy(s + strlen(M) + 2000, "\n" OK);
	return s;
}

/* text_len - the bad inputs hold NULs: their length is the literal's. */
static size_t text_len(const struct bad *b)
{
	/* only the NUL case has an embedded NUL; it ends with "expect ok\n" */
	const char *s = b->text;
	size_t n = strlen(s);

	if (strstr(b->what, "NUL byte"))
		n += 1 + strlen(s + n + 1);
	return n;
}

static void test_bad(const struct bad *b)
{
	struct scenario_error e;
	struct scenario *s;
	char *text = b->text ? (char *)b->text : long_line_input();
	size_t len = b->text ? text_len(b) : strlen(text);
	int good;

	s = scenario_parse(text, len, "bad.mms", &e);
	good = !s && e.nr_errors >= 1 && e.line == b->line && e.col == b->col &&
	       strstr(e.msg, b->frag) && !strncmp(e.text, "bad.mms:", 8) &&
	       strstr(e.text, ": error: ");
	ok(good, "%s", b->what);
	if (!good)
		diag("want %u:%u '%s'; got %s%s", b->line, b->col, b->frag,
		     s ? "a scenario" : "", s ? "" : e.text);
	scenario_free(s);
	if (!b->text)
		free(text);
}

static const char seed000[] =
	"# seed 000: THP NUMA hinting migration vs GUP-fast pin and a user store\n"
	"config nodes=2 mem=16M thp=always\n"
	"thread main:\n"
	"    mmap A 2M anon thp\n"
	"    fill A 0 2M 0x11\n"
	"    spawn t1 t2 k\n"
	"thread t1:\n"
	"    pin R A+0x1000 4K write fast\n"
	"    dma-write R+0 0x77\n"
	"    unpin R\n"
	"thread t2:\n"
	"    store A+0x2000 0x55\n"
	"    load A+0x2000 == 0x55\n"
	"kthread k:\n"
	"    numa-migrate A node=1\n"
	"expect ok\n";

/* The requirement's example, as written, and what the runner will see. */
static void test_seed000(void)
{
	struct scenario_error e;
	struct scenario *s =
		scenario_parse(seed000, strlen(seed000), "seed000.mms", &e);
	const struct scn_thread *t1;
	const struct scn_op *pin;

	if (!ok(s != NULL, "The requirement's example parses as written")) {
		diag("%s", e.text);
		return;
	}
	t1 = scenario_thread(s, 1);
	pin = scenario_thread_op(s, t1, 0);
	ok(s->nr_threads == 4 && s->nr_procs == 1 && s->nr_ops == 9 &&
		   s->config.nodes == 2 && s->config.thp == SCN_THP_ALWAYS,
	   "Its AST has 4 threads, 1 process, 9 ops");
	ok(pin->kind == SCN_OP_PIN && pin->addr.off == 0x1000 &&
		   pin->len == 4096 &&
		   pin->flags == (SCN_F_WRITE | SCN_F_FAST) &&
		   pin->pos.line == 8 && pin->pos.col == 5 &&
		   !strcmp(s->regions[pin->addr.region].name, "A") &&
		   !strcmp(s->handles[pin->name].name, "R"),
	   "The pin op keeps its operands and its position 8:5");
	ok(s->ops[1].kind == SCN_OP_FILL && s->ops[1].addr.off == 0 &&
		   s->ops[1].len == (2 << 20) && s->ops[1].val == 0x11,
	   "The long fill form 'fill A 0 2M 0x11' is region, offset, length, value");
	ok(s->threads[3].kthread && s->threads[3].spawn_op == 2 &&
		   s->threads[0].spawn_op == -1 &&
		   s->procs[0].first_thread == 0,
	   "main is the initial thread; spawn starts t1, t2 and kthread k");
	ok(s->ops[8].node == 1 && s->ops[7].has_val && s->ops[7].val == 0x55,
	   "node=1 and the load's expectation are kept");
	scenario_free(s);
}

/* round_trip - parse(dump(s)) == s and dump(parse(dump(s))) == dump(s). */
static int round_trip(const struct scenario *s, char **why)
{
	struct scenario_error e;
	struct scenario *s2;
	char *d1 = scenario_dump_str(s), *d2 = NULL;
	int good = 0;

	*why = "dump failed";
	if (!d1)
		return 0;
	s2 = scenario_parse(d1, strlen(d1), "dump", &e);
	*why = "dump does not parse";
	if (s2) {
		d2 = scenario_dump_str(s2);
		*why = "parse(dump(s)) != s";
		if (scenario_equal(s, s2)) {
			*why = "dump is not a fixed point";
			good = d2 && !strcmp(d1, d2);
		}
	} else {
		diag("%s---\n%s", e.text, d1);
	}
	scenario_free(s2);
	free(d1);
	free(d2);
	return good;
}

static const char tour[] =
	"config mem=64M nodes=2 cpus=4 swap=32M device=16M thp=madvise\n"
	"config thp_numa=legacy regress=thp-numa-count-recheck,exec-stack-rmap-miss steps=50000 seed=7\n"
	"config memory=arm64 shmem_enabled=within_size swap_io=sync\n"
	"process other\n"
	"thread main:\n"
	"\tmmap A 4M anon private thp populate prot=rw node=0\n"
	"\tmmap S 64K growsdown\n"
	"\tmmap F 2M file shared nothp locked at=0x40000000\n"
	"\tmmap X 8K prot=none\n"
	"\tmemfd M 64K huge=within_size\n\tmmap G 64K file=M private\n"
	"\ttruncate M 8K\n\tfallocate M 0x1000 4K\n\tmadvise G remove\n"
	"\tmprotect A 2M r\n\tmprotect A+0x200000 rwx\n"
	"\tmadvise A dontneed\n\tmadvise A 4K populate-write\n"
	"\tmremap X 8K 16K maymove at=0x50000000 as=Y\n"
	"\tmremap A 8M maymove\n"
	"\tload A\n\tload A+8 == 0\n\tstore A+0x10 0xdeadbeef\n"
	"\tfill A+0x1000 4K 0x1\n\tcheck A 0x1000 4K 0x1\n"
	"\tpin R A 8K write slow longterm get\n"
	"\tdma-read R+8 == 0\n\tdma-write R 5\n\tunpin R dirty\n"
	"\tmove-pages A 4K node=1\n\tnuma-migrate A\n\tnuma-scan A 2M\n"
	"\tpageout A+0x1000 4K\n\treclaim 16\n\treclaim\n\tswapin A\n"
	"\tcompact node=1\n\tcompact\n\tcollapse A+0x200000\n"
	"\tsplit A pmd\n\tsplit A+0x1000\n\tksm-merge A 8K\n"
	"\tdevice-migrate A 4K to=device\n\tdevice-migrate A 4K to=system\n"
	"\tsignal go\n\tspawn t k\n\tfork child\n\tmunmap S\n"
	"\texec args=8K\n\tmmap N 4K\n\tload N\n\texit\n"
	"thread t:\n\twait go\n\tload A@init+0x40\n"
	"kthread k:\n\tpageout A@child\n\tsplit A folio\n"
	"thread c in child:\n\tload A == 0\n\tmmap C 4K\n\tfork gc\n"
	"thread g in gc:\n\tload C\n\tload A\n"
	"thread o in other:\n\tmmap O 4K shared anon\n\tstore O 1\n"
	"expect violation lost-store\n";

static void test_good(void)
{
	static const struct {
		const char *what, *text;
	} good[] = {
		{ "The requirement's example", seed000 },
		{ "A tour of every op, flag and key", tour },
		{ "Comments, blank lines, CRLF and odd spacing",
		  "# c\r\n\r\n  config   mem=4M# c\r\n thread  main :\r\n"
		  "mmap A 4K#x\r\n  store A+0x8 1\r\nexpect deadlock" },
		{ "A repeat block, written out and dumped as a block",
		  MAP "\tstore A 1\n\trepeat 3:\n\tload A == 1\n"
		      "\tstore A+8 2\n\tend\n\trepeat 1:\n\tload A\n\tend\n"
		      "\tload A+8\n" OK },
		{ "Observations: faults, pagemap, frame marks, wait-exit",
		  MAP "\tmmap B 4K prot=none\n\tload B faults\n"
		      "\tstore B 1 faults\n\tfill B 4K 2 faults\n"
		      "\tcheck B 4K 2 faults\n\tstore A 1\n"
		      "\tpagemap A 4K == present,!swapped,soft-dirty,"
		      "exclusive,!thp,!pmd,anon,!ksm,!zero\n"
		      "\tpfn-mark m A\n\tfork c\n\twait-exit c\n"
		      "\tsame-frame m A\n\tpagemap A == !present\n"
		      "thread t in c:\n\tother-frame m A@init\n\texit\n" OK },
		{ "A kthread that spawns a kthread",
		  M "\tspawn k\nkthread k:\n\tspawn j\nkthread j:\n\tcompact\n"
		    "expect livelock\n" },
	};
	struct scenario_error e;
	struct scenario *s;
	char *why;
	int i;

	for (i = 0; i < (int)(sizeof(good) / sizeof(good[0])); i++) {
		s = scenario_parse(good[i].text, strlen(good[i].text), "good",
				   &e);
		if (!ok(s != NULL, "Parses: %s", good[i].what)) {
			diag("%s", e.text);
			continue;
		}
		if (!ok(round_trip(s, &why), "Round trip: %s", good[i].what))
			diag("%s", why);
		scenario_free(s);
	}
}

/* repeat N writes its body N times; the dump prints it once. */
static void test_repeat(void)
{
	static const char text[] = MAP "\trepeat 3:\n\tstore A 1\n"
				       "\tload A == 1\n\tend\n\tload A\n" OK;
	struct scenario *s = scenario_parse(text, strlen(text), "r", NULL);
	char *d;

	if (!ok(s != NULL, "repeat 3 parses")) {
		ok(0, "repeat 3: 8 ops");
		ok(0, "repeat 3: the dump prints the block once");
		return;
	}
	ok(s->threads[0].nr_ops == 8 && s->ops[1].repeat == 3 &&
	   s->ops[1].repeat_len == 2 && s->ops[3].repeat_copy &&
	   s->ops[3].kind == s->ops[1].kind && !s->ops[7].repeat_copy,
	   "repeat 3: the body of 2 ops is written 3 times (8 ops)");
	d = scenario_dump_str(s);
	ok(d && strstr(d, "\trepeat 3:\n\t\tstore A 0x1\n\t\tload A == 0x1\n"
			  "\tend\n\tload A\n") &&
	   !strstr(strstr(d, "\tend\n"), "store"),
	   "repeat 3: the dump prints the block once");
	if (d)
		diag("%s", d);
	free(d);
	scenario_free(s);
}

/* The tour's AST: names resolve where the spec says they do. */
static void test_tour_ast(void)
{
	struct scenario *s = scenario_parse(tour, strlen(tour), "t", NULL);
	int child, gc, init, i;
	const struct scn_op *op;

	if (!ok(s != NULL, "Tour parses without an error struct"))
		return;
	for (child = 0; strcmp(s->procs[child].name, "child"); child++)
		;
	for (gc = 0; strcmp(s->procs[gc].name, "gc"); gc++)
		;
	for (init = 0; strcmp(s->procs[init].name, "init"); init++)
		;
	ok(s->procs[child].parent == init && s->procs[gc].parent == child &&
		   s->procs[init].implicit && s->procs[0].declared &&
		   s->procs[0].parent == -1 &&
		   !strcmp(s->procs[0].name, "other"),
	   "Forks record parents; 'process other' is a root");
	for (i = 0; i < s->nr_ops && s->ops[i].kind != SCN_OP_MREMAP; i++)
		;
	op = &s->ops[i];
	ok(op->len == 8192 && op->len2 == 16384 && op->flags == SCN_F_MAYMOVE &&
		   op->at == 0x50000000 &&
		   !strcmp(s->regions[op->name].name, "Y") &&
		   s->regions[op->name].size == 16384,
	   "mremap OLD NEW maymove at= as= binds a new region");
	ok(s->config.nr_regress == 2 &&
		   !strcmp(s->config.regress[1], "exec-stack-rmap-miss") &&
		   s->config.thp_numa == SCN_THP_NUMA_LEGACY &&
		   s->config.memory == SCN_MEMORY_ARM64 &&
		   s->config.steps == 50000 && s->config.device == 16 << 20,
	   "Config keys over two lines");
	ok(s->expect.verdict == SCN_EXPECT_VIOLATION &&
		   !strcmp(s->expect.kind, "lost-store"),
	   "expect violation KIND");
	scenario_free(s);
}

static void test_errors_collected(void)
{
	static const char text[] = M "\tstor A\n\tstore A $\n\tlaod A\n" OK;
	struct scenario_error e;
	struct scenario *s = scenario_parse(text, strlen(text), "m.mms", &e);

	ok(!s && e.nr_errors == 3 && e.line == 2 &&
		   strstr(e.text, "m.mms:4:2: error: unknown op 'laod'"),
	   "Syntax errors on several lines are all reported, in order");
}

static void test_limits(void)
{
	struct scenario_error e;
	struct scenario *s;
	size_t n = SCN_MAX_INPUT + 1, i;
	char *big = malloc(n + 64), *p;

	memset(big, '\n', n);
	s = scenario_parse(big, n, "big", &e);
	ok(!s && strstr(e.msg, "input too large (limit 1048576 bytes)"),
	   "Input size limit is named");
	p = big + sprintf(big, M);
	for (i = 0; i <= SCN_MAX_OPS; i++)
		p += sprintf(p, "exit\n");
	s = scenario_parse(big, p - big, "ops", &e);
	ok(!s && e.line == SCN_MAX_OPS + 2 &&
		   strstr(e.msg, "too many ops (limit 4096)"),
	   "Op limit is named at the op past it");
	p = big;
	for (i = 0; i <= SCN_MAX_THREADS; i++)
		p += sprintf(p, "thread t%zu:\n", i);
	s = scenario_parse(big, p - big, "thr", &e);
	ok(!s && strstr(e.msg, "too many threads (limit 48)"),
	   "Thread limit is named");
	p = big + sprintf(big, M);
	for (i = 0; i <= SCN_MAX_REGIONS; i++)
		p += sprintf(p, "mmap r%zu 4K\n", i);
	s = scenario_parse(big, p - big, "reg", &e);
	ok(!s && strstr(e.msg, "too many regions (limit 256)"),
	   "Region limit is named");
	free(big);
}

static void test_load_file(void)
{
	struct scenario_error e;
	struct scenario *s = scenario_load_file("/nonexistent/x.mms", &e);

	ok(!s && e.nr_errors == 1 && strstr(e.text, "/nonexistent/x.mms") &&
		   strstr(e.msg, "cannot read"),
	   "A missing file is an error naming the path");
	s = scenario_load_file("scenarios", &e);
	ok(!s && e.nr_errors == 1 && strstr(e.msg, "cannot read"),
	   "A directory is an error, not a crash");
	s = scenario_load_file("scenarios/cow-basic.mms", &e);
	ok(s && !strcmp(s->filename, "scenarios/cow-basic.mms") &&
		   s->ops[0].pos.line == 8,
	   "A file loads and keeps its name and op positions");
	scenario_free(s);
}

/* Every file in @dir parses and round-trips, or fails with a message. */
static void test_dir(const char *dir, bool must_parse)
{
	struct scenario_error e;
	struct scenario *s;
	struct dirent *d;
	char path[512], *why;
	int n = 0, bad_rt = 0, failed = 0;
	DIR *dp = opendir(dir);

	if (!dp) {
		skip(dir, "directory not found (run from the repository root)");
		return;
	}
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.' || d->d_type == DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		s = scenario_load_file(path, &e);
		n++;
		if (!s && (must_parse || !e.nr_errors || !e.text[0])) {
			failed++;
			diag("%s", e.text);
		}
		if (s && !round_trip(s, &why)) {
			bad_rt++;
			diag("%s: %s", path, why);
		}
		scenario_free(s);
	}
	closedir(dp);
	ok(n > 0 && !failed && !bad_rt, "%s: %d files %s, dumps round-trip",
	   dir, n, must_parse ? "parse" : "parse or fail with a message");
}

int main(void)
{
	int i;

	plan(NR_BAD + 6 + 10 + 5 + 1 + 4 + 3 + 2 + 3 + 1 + 2);
	for (i = 0; i < NR_BAD; i++)
		test_bad(&bad[i]);
	test_seed000();
	test_good();
	test_tour_ast();
	test_repeat();
	test_errors_collected();
	test_limits();
	test_load_file();
	test_dir("scenarios", true);
	test_dir("scenarios/kernel", true);
	test_dir("tests/fuzz/corpus", false);
	return done_testing();
}
