package main

deny contains "odd id" if bits.and(input.id, 1) == 1
