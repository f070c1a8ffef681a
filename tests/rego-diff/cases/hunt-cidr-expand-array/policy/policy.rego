package main

deny contains "exactly the pair" if net.cidr_expand(input.c) == {"10.0.0.0", "10.0.0.1"}
