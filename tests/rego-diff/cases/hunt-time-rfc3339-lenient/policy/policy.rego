package main

deny contains "too old" if time.parse_rfc3339_ns(input.ts) > 1800000000000000000
