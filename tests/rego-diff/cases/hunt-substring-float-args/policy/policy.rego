package main

deny contains "prefix is x" if substring(input.s, 0, input.n) == "x"
