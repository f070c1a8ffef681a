package main

deny contains "is a subset" if object.subset(input.a, input.b)
