package main
import rego.v1

cfg.limits[k] := v if some k, v in input.limits
deny contains "cpu limit above 4" if object.get(cfg, ["limits", "cpu"], 0) > 4
deny contains sprintf("cfg %v", [cfg]) if true
