package lib.helpers

import rego.v1

kind_upper := upper(input.kind)
