package main

deny_foo contains "x"

exception.a := ["foo"]
