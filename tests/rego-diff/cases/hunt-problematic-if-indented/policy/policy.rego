package main

deny contains "ok" if false

  deny_y[msg] if { msg := "x" }
