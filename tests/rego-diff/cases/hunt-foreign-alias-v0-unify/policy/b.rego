package main
deny[msg] {
  containers := input.spec.containers
  count(containers) > 1
  msg := "many"
}
warn[msg] {
  input.spec.containers[_] = containers
  containers.privileged
  msg := "priv"
}
