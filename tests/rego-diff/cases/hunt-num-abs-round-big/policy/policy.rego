package main

deny contains msg if {
  v := abs(123456789012345678901234567890)
  v != 123456789012345678901234567890
  msg := sprintf("%v", [v])
}
