package main
import rego.v1

only_name if {"name": _} := input.metadata
deny contains "metadata must hold only a name" if not only_name
