package main
import rego.v1
rules.a.msg := "A" if input.a
rules.a.enabled := true
rules.b.msg := "B" if input.b
rules.b.enabled := enabled_b
enabled_b := count(active) < 5
active := {k | some k; rules[k].msg}
deny contains m if { some k; rules[k].enabled; m := rules[k].msg }
