thread main
kthread k in p:
process p:
process init
expect fine
