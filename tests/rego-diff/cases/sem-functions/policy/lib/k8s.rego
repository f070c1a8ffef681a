package lib.k8s

import data.lib.strings
import rego.v1

label(obj, key) := strings.quote(obj.metadata.labels[key])

label(obj, key) := "<none>" if not obj.metadata.labels[key]

is_kind(obj, kinds) if obj.kind in kinds
