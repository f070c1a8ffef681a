package main
import rego.v1

owner[k] := v if some k, v in input.owner
owner[k] := v if some k, v in {"team": "platform"}
deny contains "not platform" if owner.team != "platform"
