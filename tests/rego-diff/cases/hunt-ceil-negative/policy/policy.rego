package main

deny contains "positive" if ceil(input.x) > 0
