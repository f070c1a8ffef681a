package main
import rego.v1
cfg[k] := v if some k, v in {"a": 1}
deny contains "x" if data.main.cfg.sub.z == 3
