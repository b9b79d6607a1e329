process p
thread main:
	mmap A 8K
	store B 1
	dma-write R 1
	spawn t9 main
	fork p
thread q in p:
	mmap B 4K
expect violation lost-stor
