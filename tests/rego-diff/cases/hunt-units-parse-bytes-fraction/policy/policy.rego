package main

deny contains "empty volume" if units.parse_bytes(input.size) == 0
