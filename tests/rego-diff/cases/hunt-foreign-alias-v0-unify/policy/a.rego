package main
import data.lib.containers
deny[msg] { containers.bad; msg := "lib" }
