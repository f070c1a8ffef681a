package lib
import rego.v1
msgs contains "too many" if count(input.items) > data.main.cfg.max
