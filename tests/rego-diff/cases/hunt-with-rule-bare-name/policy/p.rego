package main
import rego.v1

threshold := 3
too_many if count(input.l) > threshold
deny contains "x" if too_many with threshold as 0
