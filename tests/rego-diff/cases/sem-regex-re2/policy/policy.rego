package main

import rego.v1

patterns := [
	`^\d+$`, `^\w+$`, `\s`, `\S+`, `\bword\b`, `^[\d.]+$`, `^[]a]+$`, `^[^]a]+$`,
	`^[[:alpha:]]+$`, `^[a&&b]+$`, `^[a--b]+$`, `^[\w-]+$`, `(?i)^istanbul$`, `^.$`,
	`^\D+$`, `^[^\s]+$`, `^\W+$`, `x\B`,
]

warn contains msg if {
	some s in input.strings
	some p in patterns
	regex.match(p, s)
	msg := sprintf("%q matches %q", [p, s])
}
