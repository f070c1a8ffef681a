package main

deny contains "too big" if units.parse(input.m) > 2000
