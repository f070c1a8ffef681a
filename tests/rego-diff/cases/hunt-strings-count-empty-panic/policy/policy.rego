package main

deny contains "x" if strings.count(input.s, "") > 0
