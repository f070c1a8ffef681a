package main

warn contains msg if {
  some k, v in input.spec
  is_number(v)
  msg := sprintf("%s %%d=%d %%v=%v %%s=%s", [k, v, v, v])
}

warn contains msg if {
  some v in input.spec.list
  msg := sprintf("list %v, doubled %v, plus one %v, is %v", [v, v * 2, v + 1, v == 5000000])
}

deny contains msg if {
  input.spec.memory > 1000000000
  msg := sprintf("memory %v (%d MiB) is over 1 GB", [input.spec.memory, input.spec.memory / 1048576])
}

warn contains msg if {
  msg := sprintf("count %v", [count(input.spec)])
}
