# c

  config   mem=4M# c
 thread  main :
mmap A 4K#x
  store A+0x8 1
expect deadlock