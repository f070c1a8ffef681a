package main

deny contains "too many replicas" if to_number(input.r) > 5
