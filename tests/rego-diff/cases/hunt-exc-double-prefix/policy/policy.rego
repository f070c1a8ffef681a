package main

deny_warn_foo contains "bad"

exception contains ["warn_foo"]
