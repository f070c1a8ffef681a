package helpers

import rego.v1

# a package with rules but no deny/violation/warn rule
fire if input.fire

denylist := ["a"]

warning_count := 3
