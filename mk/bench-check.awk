# mk/bench-check.awk - `make bench` prints only "bench: NAME VALUE UNIT"
# lines: VALUE a number, one UNIT word, and a NAME with the word "ratio" in
# it ("migration" is not one) says
# which way is better (..._lower_better or ..._higher_better). Anything
# else is an error: the line is named on stderr and the exit status is 1.
/^bench: [A-Za-z0-9_.:-]+ -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)? [^ ]+$/ {
	if ($2 ~ /(^|_)ratio(_|$)/ && $2 !~ /_(lower|higher)_better$/) {
		print "bench: a ratio that does not say which way is better: " $0 > "/dev/stderr"
		bad = 1
	}
	print
	next
}
{
	print "bench: not a 'bench: NAME VALUE UNIT' line: " $0 > "/dev/stderr"
	bad = 1
}
END { exit bad }
