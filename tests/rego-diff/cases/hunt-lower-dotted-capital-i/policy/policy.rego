package main

deny contains "reserved city" if lower(input.city) == "istanbul"
