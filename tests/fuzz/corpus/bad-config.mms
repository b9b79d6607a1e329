config ram=4M mem 4M thp=sometimes nodes=0 mem=5000
config regress=a,b,a
thread main:
	exit
expect ok
