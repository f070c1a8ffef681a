package main.nested

import rego.v1

warn contains "nested package warn" if input.fire

violation_nested contains {"msg": "nested violation"} if input.fire
