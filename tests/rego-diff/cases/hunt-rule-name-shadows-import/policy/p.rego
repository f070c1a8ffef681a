package main
import rego.v1

import data.lib.util
util := 1
deny contains "x" if util == 1
