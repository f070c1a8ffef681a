package main

default deny := {"d"}

deny contains "x" if input.a
