package objects.nomsg

import rego.v1

# an object without msg makes conftest fail the whole check
deny contains {"message": "no msg key", "name": input.metadata.name} if input.metadata.name != "skip"

warn contains "still evaluated" if true
