thread main:
	spawn a
thread a:
	spawn b
thread b:
	spawn a
thread c:
expect ok
