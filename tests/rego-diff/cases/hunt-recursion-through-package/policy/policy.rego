package main

deny contains k if { some k, _ in data.main }

helper := 1
