# mprotect over a range that an earlier step merged into the next VMA
# (found by the scenario generator, tests/t_gen.c): the kernel walks on
# with its VMA iterator (do_mprotect_pkey); the model once failed with
# -ENOMEM because find_vma() returned the merged VMA, starting below.
config mem=4M
thread main:
    mmap A 16K anon
    mprotect A+0x1000 4K none
    mprotect A+0x1000 8K rw
    store A+0x2000 0x5
    load A+0x2000 == 0x5
expect ok
