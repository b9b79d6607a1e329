# exec-stack-rmap-miss (seed 002; fixed by a8bef8ff6ea1, 2010):
# compaction migrates an argument page of exec's temporary stack while
# shift_arg_pages moves it down; the rmap walk that removes the migration
# entry looks at the new address before the PTE gets there, and the entry
# is left behind. The first access after exec BUGs (unlocked page).
config nodes=2 mem=16M
thread main:
    spawn c
    exec args=8192
kthread c:
    compact node=0
expect violation
