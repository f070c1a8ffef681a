package main

deny contains "is-one" if {
  1 / 3 * 3 == 1
}
