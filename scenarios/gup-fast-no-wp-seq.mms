# gup-fast-no-wp-seq: GUP-fast's write_protect_seq check against fork
# (57efa1fe5957 "mm/gup: prevent gup_fast from racing with COW during
# fork"; the switch removes the check from mm/gup.c's gup_fast). The race:
#   1. fork (main, mmap_lock held for write) copies A's PTE: the page is
#      not pinned yet, so it will be shared with the child;
#   2. t's GUP-fast reads the still-writable PTE, pins the page and
#      re-checks the PTE: unchanged, the pin stands;
#   3. fork write-protects the parent's PTE and maps the page in the
#      child;
#   4. the device writes 0x77 through the pin: into the page the child
#      sees (the child's load returns a value only the parent wrote).
# With the check, GUP-fast samples write_protect_seq before its walk (odd:
# fork is running, give up) and re-checks it after: fork moved it, unpin.
# scenarios/fork-vs-gup-fast-pin.mms is the fuller program expecting ok.
config mem=8M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t
	fork child
thread t:
	pin R A 4K write fast
	dma-write R+0 0x77
	unpin R
thread c in child:
	load A
expect violation lost-store
