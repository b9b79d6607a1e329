# seed 000: THP NUMA hinting migration vs GUP-fast pin and a user store
config nodes=2 mem=16M thp=always
thread main:
    mmap A 2M anon thp
    fill A 0 2M 0x11
    spawn t1 t2 k
thread t1:
    pin R A+0x1000 4K write fast
    dma-write R+0 0x77
    unpin R
thread t2:
    store A+0x2000 0x55
    load A+0x2000 == 0x55
kthread k:
    numa-migrate A node=1
expect ok
