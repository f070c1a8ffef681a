package main

deny contains "ok" if false

deny_y[sprintf("%s", [input.a])] if { true }
