package main.cfg.sub
import rego.v1
z := 3
