package main

import rego.v1

deny contains "main fires" if input.fire
