package lib
import rego.v1
name := "q"
