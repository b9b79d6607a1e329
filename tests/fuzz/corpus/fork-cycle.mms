thread main:
	exit
thread a in c:
	fork d
thread b in d:
	fork c
expect ok
