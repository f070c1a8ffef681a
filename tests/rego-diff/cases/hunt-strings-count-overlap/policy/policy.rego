package main

deny contains "fewer than 3 aa" if strings.count(input.s, "aa") < 3
