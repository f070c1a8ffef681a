package main

deny contains msg if {
  msg := format_int(123456789012345678901234567890.9, 16)
}
