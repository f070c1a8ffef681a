package main

deny contains "found late" if indexof(input.s, input.n) > 3
