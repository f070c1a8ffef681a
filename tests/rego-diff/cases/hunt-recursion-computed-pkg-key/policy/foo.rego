package checks.foo
import rego.v1
exemptions := {"legacy"}
violation contains msg if {
  not data.main.exempt[input.name]
  input.privileged
  msg := sprintf("%s is privileged", [input.name])
}
