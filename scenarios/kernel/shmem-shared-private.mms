# tmpfs memory a user can see: a memfd mapped MAP_SHARED is one page for
# parent and child; MAP_SHARED|MAP_ANONYMOUS likewise; a private mapping
# of the file reads it until its first write copies the page (an anon,
# exclusive page); a punched hole reads zero; past EOF after a truncate
# a shared or a private mapping faults (SIGBUS).
config mem=8M
thread main:
	memfd F 16K
	mmap S 16K file=F shared
	mmap P 16K file=F private
	mmap Z 4K shared anon
	fill S 16K 0x1
	store Z 0x5
	load P == 0x1
	pagemap P 4K == present,!anon,!exclusive
	store P 0x2
	pagemap P 4K == present,anon,exclusive
	load S == 0x1
	fork child
	wait-exit child
	load S == 0x3
	load Z == 0x6
	pagemap S 4K == present,!anon,exclusive
	fallocate F 0x1000 4K
	load S+0x1000 == 0
	truncate F 8K
	load S+0x2000 faults
	load P+0x3000 faults
thread c in child:
	store S 0x3
	store Z 0x6
	pagemap S 4K == present,!anon,!exclusive
	exit
expect ok
