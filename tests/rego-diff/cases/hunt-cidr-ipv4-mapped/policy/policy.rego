package main

deny contains "blocked range" if net.cidr_contains("::ffff:10.0.0.0/104", input.ip)
