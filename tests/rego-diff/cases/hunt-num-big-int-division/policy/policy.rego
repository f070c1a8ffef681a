package main

deny contains msg if {
  v := 123456789012345678901234567890 / 10
  v != 12345678901234567890123456789
  msg := sprintf("%v", [v])
}
