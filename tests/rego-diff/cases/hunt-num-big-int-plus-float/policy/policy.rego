package main

deny contains msg if {
  big := 9007199254740993
  big * 1.0 == big
  msg := "exact"
}
deny contains msg if {
  v := 123456789012345678901234567890 + 0.5
  msg := sprintf("%v", [v])
}
