package objects.badmsg

import rego.v1

# msg present but not a string
deny contains {"msg": 42} if input.metadata.name == "loc"

deny contains {"msg": "fine"} if true
